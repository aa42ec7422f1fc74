-- Rollback of 006_security_events.sql (the identity sequence and index go with the table).
DROP TABLE security_events;
