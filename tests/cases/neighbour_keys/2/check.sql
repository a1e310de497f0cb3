SELECT count(*) = 2 FROM pg_constraint WHERE conrelid = 'public.orders'::regclass AND contype = 'f'
SELECT count(*) = 1 FROM orders WHERE account_code = 'a1' AND placed_at IS NULL
