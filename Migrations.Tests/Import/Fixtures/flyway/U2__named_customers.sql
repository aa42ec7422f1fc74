DROP VIEW named_customers;
