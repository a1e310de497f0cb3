SELECT count(*) = 3 AND sum(qty) = 512 FROM orders
SELECT to_regtype('public.quantity') IS NULL
SELECT atttypid = 'public.amount'::regtype FROM pg_attribute WHERE attrelid = 'public.orders'::regclass AND attname = 'qty'
