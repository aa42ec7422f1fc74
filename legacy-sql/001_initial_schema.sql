-- 001: tenants and their people.
-- Users are global (one login, many organizations); membership comes in 002.

CREATE TABLE IF NOT EXISTS organizations (
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    name       text        NOT NULL,
    slug       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT organizations_pkey PRIMARY KEY (id),
    CONSTRAINT organizations_slug_key UNIQUE (slug),
    CONSTRAINT organizations_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$')
);

COMMENT ON TABLE organizations IS 'A tenant: every customer-owned row hangs off one organization.';
COMMENT ON COLUMN organizations.slug IS 'URL-safe unique name, used in subdomains and API paths.';

CREATE TABLE IF NOT EXISTS users (
    id                uuid        NOT NULL DEFAULT gen_random_uuid(),
    email             text        NOT NULL,
    display_name      text        NOT NULL,
    password_hash     text,
    email_verified_at timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id)
);

COMMENT ON TABLE users IS 'A person who can sign in; belongs to organizations through memberships.';
COMMENT ON COLUMN users.password_hash IS 'Argon2id PHC string; NULL for users who only sign in through SSO.';

CREATE INDEX IF NOT EXISTS users_email_idx ON users (email);
