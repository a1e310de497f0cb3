SELECT confdeltype = 'c' FROM pg_constraint WHERE conname = 'b_a_fk'
SELECT pg_get_constraintdef(oid) = 'CHECK ((qty >= 0))' FROM pg_constraint WHERE conname = 'qty_positive'
SELECT count(*) = 1 FROM pg_constraint WHERE conrelid = 'a'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%length(name)%'
SELECT indexdef LIKE '%name DESC%' FROM pg_indexes WHERE indexname = 'ix_a_name'
SELECT count(*) = 2 FROM b
