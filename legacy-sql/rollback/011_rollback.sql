-- Rollback of 011_concurrent_indexes.sql. DROP INDEX CONCURRENTLY: autocommit, one statement at a time.

DROP INDEX CONCURRENTLY audit_log_organization_id_created_at_idx;

DROP INDEX CONCURRENTLY security_events_user_id_occurred_at_idx;

DROP INDEX CONCURRENTLY api_keys_organization_id_idx;

DROP INDEX CONCURRENTLY refresh_tokens_session_id_idx;

DROP INDEX CONCURRENTLY sessions_user_id_idx;
