-- 002: which users belong to which organization, and with what role.

DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_type t
        JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = current_schema() AND t.typname = 'membership_role'
    ) THEN
        CREATE TYPE membership_role AS ENUM ('owner', 'admin', 'member', 'viewer');
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS memberships (
    organization_id uuid            NOT NULL,
    user_id         uuid            NOT NULL,
    role            membership_role NOT NULL DEFAULT 'member',
    created_at      timestamptz     NOT NULL DEFAULT now(),
    updated_at      timestamptz     NOT NULL DEFAULT now(),
    CONSTRAINT memberships_pkey PRIMARY KEY (organization_id, user_id),
    CONSTRAINT memberships_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
    CONSTRAINT memberships_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

COMMENT ON TABLE memberships IS 'A user''s role in one organization.';

CREATE INDEX IF NOT EXISTS memberships_user_id_idx ON memberships (user_id);
