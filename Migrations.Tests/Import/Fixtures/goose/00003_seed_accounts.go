package migrations

// A Go migration: goose runs it as code, so import reports it and leaves it out.
