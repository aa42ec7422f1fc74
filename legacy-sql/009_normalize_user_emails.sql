-- 009: e-mail addresses are case-insensitive for sign-in; Foo@Example.com and foo@example.com were two accounts.
-- Store them lower-cased, forbid anything else, and make them unique.
-- If two accounts differ only by case, the unique index fails and nothing is changed: merge them first.

UPDATE users
SET email = lower(email)
WHERE email <> lower(email);

DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_constraint
        WHERE conrelid = 'users'::regclass AND conname = 'users_email_lowercase'
    ) THEN
        ALTER TABLE users ADD CONSTRAINT users_email_lowercase CHECK (email = lower(email));
    END IF;
END
$$;

CREATE UNIQUE INDEX IF NOT EXISTS users_email_key ON users (email);

-- The unique index serves every lookup the plain one did.
DROP INDEX IF EXISTS users_email_idx;
