INSERT INTO billing.invoices (total) VALUES (10), (20);
