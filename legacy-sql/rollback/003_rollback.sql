-- Rollback of 003_sessions_and_refresh_tokens.sql.
DROP TABLE refresh_tokens;
DROP TABLE sessions;
