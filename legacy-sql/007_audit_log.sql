-- 007: who changed what inside an organization, shown to organization admins.

CREATE TABLE IF NOT EXISTS audit_log (
    id               bigint      GENERATED ALWAYS AS IDENTITY,
    organization_id  uuid        NOT NULL,
    actor_user_id    uuid,
    actor_api_key_id uuid,
    action           text        NOT NULL,
    target_type      text        NOT NULL,
    target_id        text,
    old_values       jsonb,
    new_values       jsonb,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT audit_log_pkey PRIMARY KEY (id),
    CONSTRAINT audit_log_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
    CONSTRAINT audit_log_actor_user_id_fkey FOREIGN KEY (actor_user_id) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT audit_log_actor_api_key_id_fkey FOREIGN KEY (actor_api_key_id) REFERENCES api_keys (id) ON DELETE SET NULL
);

COMMENT ON TABLE audit_log IS 'Changes made inside an organization, by a user or an API key.';
COMMENT ON COLUMN audit_log.action IS 'Dotted verb, e.g. member.invited, api_key.revoked.';
