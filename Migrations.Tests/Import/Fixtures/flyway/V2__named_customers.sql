CREATE VIEW named_customers AS SELECT id, name FROM customers WHERE name IS NOT NULL;
