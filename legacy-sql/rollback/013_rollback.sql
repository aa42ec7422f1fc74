-- Rollback of 013_capture_production_hotfixes.sql. Written during the consolidation.
COMMENT ON COLUMN api_keys.prefix IS NULL;
ALTER TABLE users DROP COLUMN locale;
DROP INDEX security_events_ip_address_idx;
