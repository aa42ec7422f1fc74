-- Built outside a transaction: the table is hot.
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
