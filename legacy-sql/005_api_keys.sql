-- 005: organization API keys. Only a hash of the key is stored; the prefix identifies a key in the UI and in logs.

CREATE TABLE IF NOT EXISTS api_keys (
    id              uuid        NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid        NOT NULL,
    created_by      uuid,
    name            text        NOT NULL,
    prefix          text        NOT NULL,
    key_hash        bytea       NOT NULL,
    scopes          text[]      NOT NULL DEFAULT '{}'::text[],
    last_used_at    timestamptz,
    expires_at      timestamptz,
    revoked_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT api_keys_pkey PRIMARY KEY (id),
    CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash),
    CONSTRAINT api_keys_prefix_length CHECK (char_length(prefix) = 8),
    CONSTRAINT api_keys_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
    CONSTRAINT api_keys_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL
);

COMMENT ON TABLE api_keys IS 'Machine credentials of an organization.';
COMMENT ON COLUMN api_keys.key_hash IS 'SHA-256 of the full key; the key is shown once at creation and never stored.';
COMMENT ON COLUMN api_keys.scopes IS 'Granted scopes, e.g. {read:projects,write:projects}; empty means no access.';

CREATE INDEX IF NOT EXISTS api_keys_prefix_idx ON api_keys (prefix);

DROP TRIGGER IF EXISTS api_keys_set_updated_at ON api_keys;
CREATE TRIGGER api_keys_set_updated_at
    BEFORE UPDATE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
