SELECT count(*) = 2 FROM notes
SELECT NOT EXISTS (SELECT 1 FROM pg_class WHERE relname IN ('items', 'tasks', 'items_id_seq'))
SELECT count(*) = 1 FROM pg_attrdef WHERE adrelid = 'public.notes'::regclass
