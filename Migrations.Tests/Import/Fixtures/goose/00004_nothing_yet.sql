-- +goose Up
-- Reserved for the ledger; nothing to do yet.

-- +goose Down
