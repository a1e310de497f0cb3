SELECT count(*) = 2 FROM documents
SELECT NOT relrowsecurity AND NOT relforcerowsecurity FROM pg_class WHERE oid = 'public.documents'::regclass
SELECT NOT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = 'public.documents'::regclass)
