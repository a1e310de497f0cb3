SELECT count(*) = 4 FROM items
SELECT count(*) = 1 FROM ONLY items
SELECT count(*) = 1 FROM notes WHERE heading = 'untitled'
SELECT bool_and(owner = 'nobody') FROM items
SELECT format_type(atttypid, atttypmod) = 'bigint' FROM pg_attribute WHERE attrelid = 'public.pinned_notes'::regclass AND attname = 'rank'
SELECT pg_get_expr(adbin, adrelid) = '1' FROM pg_attrdef WHERE adrelid = 'public.pinned_notes'::regclass AND adnum = (SELECT attnum FROM pg_attribute WHERE attrelid = adrelid AND attname = 'rank')
SELECT pg_get_expr(adbin, adrelid) = 'clock_timestamp()' FROM pg_attrdef WHERE adrelid = 'public.pinned_notes'::regclass AND adnum = (SELECT attnum FROM pg_attribute WHERE attrelid = adrelid AND attname = 'created_at')
SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.pinned_notes'::regclass AND conname = 'heading_short')
SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'title_not_blank')
