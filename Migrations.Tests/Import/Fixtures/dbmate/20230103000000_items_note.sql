-- migrate:up
BEGIN;
ALTER TABLE items ADD COLUMN note text;
COMMIT;

-- migrate:down
ALTER TABLE items DROP COLUMN note;
