SELECT count(*) = 3 FROM children c LEFT JOIN parents p ON p.id = c.parent_id
SELECT format_type(atttypid, atttypmod) = 'bigint' FROM pg_attribute WHERE attrelid = 'children'::regclass AND attname = 'parent_id'
SELECT count(*) = 2 FROM pg_constraint WHERE conrelid = 'children'::regclass AND contype = 'f'
