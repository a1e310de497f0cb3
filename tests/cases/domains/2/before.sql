INSERT INTO orders VALUES (1, 5, 'a@example.org'), (2, 7, NULL);
