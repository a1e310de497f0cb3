INSERT INTO items (id, price, name) VALUES (1, 5, 'One') RETURNING code = 'C-7' AND tripled = 3
SELECT count(*) = 2 FROM pg_indexes WHERE indexname IN ('items_name_key', 'item_names_norm')
