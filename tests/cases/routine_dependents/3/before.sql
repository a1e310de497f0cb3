INSERT INTO items (id, price, name) VALUES (4, 2, 'Four');
