SELECT count(*) = 4 FROM pg_type t JOIN pg_class c ON c.oid = t.typrelid WHERE c.relkind = 'c' AND t.typnamespace = 'public'::regnamespace
SELECT obj_description('public.address'::regtype, 'pg_type') = 'a postal address'
SELECT (SELECT collname FROM pg_collation WHERE oid = a.attcollation) = 'C' FROM pg_attribute a WHERE a.attrelid = (SELECT typrelid FROM pg_type WHERE oid = 'public.address'::regtype) AND a.attname = 'zip'
