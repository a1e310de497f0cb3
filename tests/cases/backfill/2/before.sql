INSERT INTO items VALUES (1, 'one'), (2, NULL), (3, 'three');
