-- 006: security-relevant events (sign-ins, API key use) for the security page and incident response.

CREATE TABLE IF NOT EXISTS security_events (
    id              bigint      GENERATED ALWAYS AS IDENTITY,
    occurred_at     timestamptz NOT NULL DEFAULT now(),
    event_type      text        NOT NULL,
    organization_id uuid,
    user_id         uuid,
    api_key_id      uuid,
    ip_address      inet,
    user_agent      text,
    details         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    CONSTRAINT security_events_pkey PRIMARY KEY (id),
    CONSTRAINT security_events_event_type_check CHECK (event_type IN (
        'login_succeeded', 'login_failed', 'logout', 'mfa_failed',
        'api_key_used', 'api_key_rejected', 'password_reset_requested', 'password_changed'
    )),
    CONSTRAINT security_events_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE SET NULL,
    CONSTRAINT security_events_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT security_events_api_key_id_fkey FOREIGN KEY (api_key_id) REFERENCES api_keys (id) ON DELETE SET NULL
);

COMMENT ON TABLE security_events IS 'Append-only log of sign-ins, failures and API key use; kept 400 days.';
COMMENT ON COLUMN security_events.details IS 'Event-specific data, e.g. {"reason": "bad_password"} for login_failed.';

CREATE INDEX IF NOT EXISTS security_events_occurred_at_idx ON security_events (occurred_at);
