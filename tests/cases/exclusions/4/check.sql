SELECT count(*) = 2 FROM bookings
SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.bookings'::regclass AND contype = 'x')
