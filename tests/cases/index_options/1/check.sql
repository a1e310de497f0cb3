SELECT reloptions = '{fillfactor=70}' FROM pg_class WHERE relname = 'people_name_c'
SELECT indnullsnotdistinct FROM pg_index WHERE indexrelid = 'people_email_once'::regclass
SELECT obj_description('people_name_c'::regclass, 'pg_class') = 'for sorting by bytes'
SELECT pg_get_indexdef('people_name_c'::regclass) LIKE '%COLLATE "C" DESC%'
