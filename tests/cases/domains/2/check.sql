SELECT count(*) = 2 AND sum(qty) = 12 AND count(*) FILTER (WHERE code = 'none') = 2 FROM orders
SELECT to_regtype('public.email') IS NULL
SELECT count(*) = 2 FROM pg_constraint WHERE contypid = 'public.quantity'::regtype AND convalidated
