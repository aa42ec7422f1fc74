-- 011: indexes for the hot queries, built without blocking writes.
-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block: run this file in autocommit mode,
-- one statement at a time. If a statement fails it may leave an INVALID index: drop it, then rerun.
-- Plain statements only, each ending with a semicolon at the end of a line.

CREATE INDEX CONCURRENTLY IF NOT EXISTS sessions_user_id_idx ON sessions (user_id);

CREATE INDEX CONCURRENTLY IF NOT EXISTS refresh_tokens_session_id_idx ON refresh_tokens (session_id);

CREATE INDEX CONCURRENTLY IF NOT EXISTS api_keys_organization_id_idx ON api_keys (organization_id) WHERE revoked_at IS NULL;

CREATE INDEX CONCURRENTLY IF NOT EXISTS security_events_user_id_occurred_at_idx ON security_events (user_id, occurred_at DESC);

CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_log_organization_id_created_at_idx ON audit_log (organization_id, created_at DESC);
