ALTER DOMAIN code DROP NOT NULL;
INSERT INTO orders (id, qty, contact, code) VALUES (9, 1, 'nobody', NULL);
