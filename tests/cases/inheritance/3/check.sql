SELECT count(*) = 5 FROM items
SELECT count(*) = 2 FROM tasks
SELECT NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = 'public.pinned_notes'::regclass)
SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = 'public.tasks'::regclass AND inhparent = 'public.items'::regclass)
SELECT count(*) = 1 FROM notes WHERE heading = 'untitled'
SELECT count(*) = 1 FROM pinned_notes WHERE body = 'top'
SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'public.pinned_notes'::regclass AND attname = 'owner')
SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.tasks'::regclass AND conname = 'rank_positive')
