-- Rollback of 009_normalize_user_emails.sql. Written during the consolidation: the original hotfix.sql had none.
-- Lossy: the original letter case of e-mail addresses is not restored.
CREATE INDEX users_email_idx ON users USING btree (email);
DROP INDEX users_email_key;
ALTER TABLE users DROP CONSTRAINT users_email_lowercase;
