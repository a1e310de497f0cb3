SELECT (home).city = 'Springfield' AND (home).country IS NULL FROM customers WHERE id = 1
SELECT (SELECT attname FROM pg_attribute WHERE attrelid = (SELECT typrelid FROM pg_type WHERE oid = 'public.point3'::regtype) AND attnum = 1) = 'z'
