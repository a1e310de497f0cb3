SELECT count(*) = 2 FROM events
SELECT to_regclass('public.events_2026_01') IS NULL AND to_regclass('public.places') IS NULL
