-- Rollback of 001_initial_schema.sql.
DROP TABLE users;
DROP TABLE organizations;
