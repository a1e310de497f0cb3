SELECT count(*) = 2 FROM bookings
SELECT count(*) = 2 FROM pg_constraint WHERE conrelid = 'public.bookings'::regclass AND contype = 'x'
SELECT condeferrable FROM pg_constraint WHERE conname = 'bookings_no_overlap'
SELECT pg_get_constraintdef(oid) = 'EXCLUDE USING gist (room WITH =, note WITH =) INCLUDE (id)' FROM pg_constraint WHERE conname = 'bookings_room_note'
