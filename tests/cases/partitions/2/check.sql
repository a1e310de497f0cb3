SELECT count(*) = 3 FROM events
SELECT count(*) = 2 FROM places
SELECT count(*) = 1 FROM events_2026_02
SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'public.events_2026_03'::regclass AND attname = 'source')
SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'public.events_other'::regclass AND attname = 'source')
SELECT pg_get_expr(relpartbound, oid) = 'FOR VALUES FROM (''2026-02-01'') TO (''2026-02-15'')' FROM pg_class WHERE oid = 'public.events_2026_02'::regclass
SELECT NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'events_2026_02_payload_idx')
