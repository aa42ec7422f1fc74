-- +migrate Up
COMMENT ON TABLE authors IS 'Autorinnen und Autoren — ünïcödé, 作者';
-- +migrate StatementBegin
DO $do$
BEGIN
    PERFORM 1; -- nothing; a semicolon inside the block
END
$do$;
-- +migrate StatementEnd

-- +migrate Down
COMMENT ON TABLE authors IS NULL;
