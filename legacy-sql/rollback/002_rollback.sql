-- Rollback of 002_memberships.sql.
DROP TABLE memberships;
DROP TYPE membership_role;
