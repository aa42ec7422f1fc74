-- run by hand during the incident, never had a rollback
UPDATE orders SET total = 0 WHERE total < 0;
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);
