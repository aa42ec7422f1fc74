-- 012: TOTP two-factor authentication for users.

ALTER TABLE users ADD COLUMN IF NOT EXISTS mfa_enabled boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN IF NOT EXISTS mfa_secret_encrypted bytea;

COMMENT ON COLUMN users.mfa_secret_encrypted IS 'TOTP secret, encrypted by the application with the data key; NULL until enrolled.';

DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_constraint
        WHERE conrelid = 'users'::regclass AND conname = 'users_mfa_secret_required'
    ) THEN
        ALTER TABLE users ADD CONSTRAINT users_mfa_secret_required CHECK (NOT mfa_enabled OR mfa_secret_encrypted IS NOT NULL);
    END IF;
END
$$;
