INSERT INTO items (name) SELECT 'item ' || g FROM generate_series(1, 500) g;
