CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric NOT NULL);
