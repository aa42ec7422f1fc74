-- migrate:up
CREATE TYPE item_state AS ENUM ('new', 'sold');
CREATE TABLE items (
    id bigserial PRIMARY KEY,
    state item_state NOT NULL DEFAULT 'new'
);

-- migrate:down
DROP TABLE items;
DROP TYPE item_state;
