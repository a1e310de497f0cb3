SELECT to_regtype('public.point3') IS NULL AND to_regtype('public.pair') IS NULL
SELECT count(*) = 1 FROM customers
