SELECT (home).city = 'Springfield' FROM customers WHERE id = 1
SELECT to_regtype('public.address') IS NULL AND to_regtype('public.postal_address') IS NOT NULL
