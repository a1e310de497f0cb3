SELECT array_agg(inhparent::regclass::text ORDER BY inhparent) = '{items}' FROM pg_inherits WHERE inhrelid = 'public.notes'::regclass
SELECT array_agg(inhparent::regclass::text ORDER BY inhparent) = '{notes}' FROM pg_inherits WHERE inhrelid = 'public.pinned_notes'::regclass
SELECT NOT attislocal FROM pg_attribute WHERE attrelid = 'public.pinned_notes'::regclass AND attname = 'created_at'
SELECT attislocal FROM pg_attribute WHERE attrelid = 'public.notes'::regclass AND attname = 'title'
SELECT pg_get_expr(adbin, adrelid) = '''untitled''::text' FROM pg_attrdef WHERE adrelid = 'public.pinned_notes'::regclass AND adnum = (SELECT attnum FROM pg_attribute WHERE attrelid = adrelid AND attname = 'title')
SELECT NOT conislocal FROM pg_constraint WHERE conrelid = 'public.pinned_notes'::regclass AND conname = 'title_not_blank'
