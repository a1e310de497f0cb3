INSERT INTO items (id, price, name) VALUES (2, 8, 'Two');
REFRESH MATERIALIZED VIEW item_names;
