SELECT string_agg(name || '/' || code, ',' ORDER BY id) = 'one/item-1,unnamed/item-2,three/item-3' FROM items
SELECT bool_and(attnotnull) FROM pg_attribute WHERE attrelid = 'items'::regclass AND attname IN ('name', 'code')
