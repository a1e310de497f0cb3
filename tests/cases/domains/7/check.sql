SELECT count(*) = 4 AND sum(qty) = 513 FROM orders
SELECT typbasetype = 'bigint'::regtype FROM pg_type WHERE oid = 'public.amount'::regtype
SELECT typbasetype = 'text'::regtype FROM pg_type WHERE oid = 'public.code'::regtype
SELECT count(*) = 1 FROM orders WHERE code IS NULL
SELECT to_regtype('public.amount__reconcile_old') IS NULL
