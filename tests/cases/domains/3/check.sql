SELECT count(*) = 3 AND sum(qty) = 512 FROM orders
SELECT typnotnull FROM pg_type WHERE oid = 'public.quantity'::regtype
SELECT count(*) = 1 FROM pg_constraint WHERE contypid = 'public.quantity'::regtype
SELECT obj_description('public.quantity'::regtype, 'pg_type') IS NULL
