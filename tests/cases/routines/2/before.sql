INSERT INTO orders (id, total, updated_at) VALUES (2, 5, '2000-01-01');
