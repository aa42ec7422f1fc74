-- 013: changes made by hand in the production database that never had a file, captured at the consolidation.
-- On production every statement is a no-op; on a fresh database it gives production's schema.
-- In production the index was built by hand without blocking writes; here it is built inside the migration's transaction.

-- An index for "all events from this address" during a credential-stuffing incident.
CREATE INDEX IF NOT EXISTS security_events_ip_address_idx ON security_events (ip_address);

-- The preferred language of e-mails, added for the localisation pilot.
ALTER TABLE users ADD COLUMN IF NOT EXISTS locale text;

COMMENT ON COLUMN api_keys.prefix IS 'First 8 characters of the key, shown in the UI and logs to identify it.';
