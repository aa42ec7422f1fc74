-- Rollback of 010_active_api_keys_view.sql.
DROP VIEW active_api_keys;
