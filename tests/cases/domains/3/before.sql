INSERT INTO orders VALUES (3, 500, NULL, 'big');
