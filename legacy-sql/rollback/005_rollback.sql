-- Rollback of 005_api_keys.sql (the trigger and indexes go with the table).
DROP TABLE api_keys;
