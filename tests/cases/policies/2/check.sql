SELECT count(*) = 2 FROM documents
SELECT relforcerowsecurity FROM pg_class WHERE oid = 'public.documents'::regclass
SELECT polpermissive FROM pg_policy WHERE polname = 'keep_published'
SELECT format_type(atttypid, atttypmod) = 'character varying(100)' FROM pg_attribute WHERE attrelid = 'public.documents'::regclass AND attname = 'owner'
SELECT cardinality(polroles) = 2 FROM pg_policy WHERE polname = 'public_read'
