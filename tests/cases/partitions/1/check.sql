SELECT count(*) = 3 FROM pg_inherits WHERE inhparent = 'public.events'::regclass
SELECT relkind = 'p' FROM pg_class WHERE oid = 'public.places_eu'::regclass
SELECT count(*) = 2 FROM pg_inherits WHERE inhparent = 'public.places_eu'::regclass
SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE tablename = 'events_2026_02' AND indexname = 'events_2026_02_payload_idx')
SELECT pg_get_expr(relpartbound, oid) = 'DEFAULT' FROM pg_class WHERE oid = 'public.events_other'::regclass
SELECT count(*) = 1 FROM pg_constraint WHERE conrelid = 'public.event_notes'::regclass AND contype = 'f' AND conparentid = 0
