INSERT INTO orders VALUES (1, 'ann', 150), (2, 'bob', 50), (3, 'ann', 300);
