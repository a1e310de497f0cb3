SELECT (home).street = 'Main St 1' AND (home).city = 'Springfield' AND (home).zip = '12345' AND (budget).value = 10.50 FROM customers WHERE id = 1
SELECT array_agg(attname ORDER BY attnum) = '{city,street,zip,country}' FROM pg_attribute WHERE attrelid = (SELECT typrelid FROM pg_type WHERE oid = 'public.address'::regtype) AND attnum > 0
SELECT city = 'Springfield' FROM customer_cities
SELECT to_regtype('public.address__reconcile_old') IS NULL
