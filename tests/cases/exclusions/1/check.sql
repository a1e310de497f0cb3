SELECT count(*) = 2 FROM pg_constraint WHERE conrelid = 'public.bookings'::regclass AND contype = 'x'
SELECT pg_get_constraintdef(oid) = 'EXCLUDE USING gist (room WITH =, during WITH &&) WHERE ((NOT cancelled))' FROM pg_constraint WHERE conname = 'bookings_no_overlap'
