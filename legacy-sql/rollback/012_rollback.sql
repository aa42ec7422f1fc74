-- Rollback of 012_user_mfa.sql (the column comment goes with the column).
ALTER TABLE users DROP CONSTRAINT users_mfa_secret_required;
ALTER TABLE users DROP COLUMN mfa_secret_encrypted;
ALTER TABLE users DROP COLUMN mfa_enabled;
