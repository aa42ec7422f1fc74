-- +goose NO TRANSACTION
-- +goose Up
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_balance_idx ON accounts (balance);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS accounts_balance_idx;
