INSERT INTO accounts VALUES (1, 'a1', 'a1@example.org', 'first');
INSERT INTO orders VALUES (10, 'a1', 'a1@example.org');
