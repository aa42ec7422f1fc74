-- +migrate Up
CREATE TABLE authors (id bigserial PRIMARY KEY, name text NOT NULL);

-- +migrate Down
DROP TABLE authors;

-- +migrate Up
CREATE TABLE tags (id bigserial PRIMARY KEY, label text NOT NULL);

-- +migrate Down
DROP TABLE tags;
