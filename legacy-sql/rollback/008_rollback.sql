-- Rollback of 008_email_verification_and_password_reset_tokens.sql.
DROP TABLE password_reset_tokens;
DROP TABLE email_verification_tokens;
