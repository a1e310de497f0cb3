SELECT count(*) = 500 FROM items WHERE price = 0 AND note IS NULL AND added_at IS NOT NULL
SELECT min(name) = 'item 1' FROM items
SELECT string_agg(attname, ',' ORDER BY attnum) = 'id,name,price,note,added_at' FROM pg_attribute WHERE attrelid = 'items'::regclass AND attnum > 0 AND NOT attisdropped
