-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY items_state_idx ON items (state);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY items_state_idx;
