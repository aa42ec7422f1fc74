-- 010: the keys that can authenticate right now, for the key list and the authentication path.

CREATE OR REPLACE VIEW active_api_keys AS
SELECT
    k.id,
    k.organization_id,
    k.created_by,
    k.name,
    k.prefix,
    k.scopes,
    k.last_used_at,
    k.expires_at,
    k.created_at
FROM api_keys k
WHERE k.revoked_at IS NULL
  AND (k.expires_at IS NULL OR k.expires_at > now());

COMMENT ON VIEW active_api_keys IS 'API keys neither revoked nor expired; key_hash is left out on purpose.';
