-- Rollback of 007_audit_log.sql.
DROP TABLE audit_log;
