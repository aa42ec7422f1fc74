DROP TABLE email_log;
DROP FUNCTION normalize_email(text);
