-- Accounts and their balance check.
-- +goose Up
CREATE TABLE accounts (
    id bigserial PRIMARY KEY,
    balance numeric NOT NULL DEFAULT 0
);

-- +goose StatementBegin
CREATE FUNCTION check_balance() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.balance < 0 THEN
        RAISE EXCEPTION 'negative balance; refused';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER accounts_balance BEFORE INSERT OR UPDATE ON accounts
    FOR EACH ROW EXECUTE FUNCTION check_balance();

-- +goose Down
DROP TRIGGER accounts_balance ON accounts;
DROP FUNCTION check_balance();
DROP TABLE accounts;
