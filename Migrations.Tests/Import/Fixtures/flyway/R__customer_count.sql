CREATE OR REPLACE FUNCTION customer_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM customers $$;
