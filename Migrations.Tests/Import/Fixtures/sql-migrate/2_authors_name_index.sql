-- +migrate Up notransaction
CREATE INDEX CONCURRENTLY authors_name_idx ON authors (name);

-- +migrate Down
DROP INDEX authors_name_idx;
