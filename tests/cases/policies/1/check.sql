SELECT relrowsecurity AND NOT relforcerowsecurity FROM pg_class WHERE oid = 'public.documents'::regclass
SELECT count(*) = 4 FROM pg_policy WHERE polrelid = 'public.documents'::regclass
SELECT NOT polpermissive AND polcmd = 'd' FROM pg_policy WHERE polname = 'keep_published'
SELECT polroles = ARRAY['reconcile_case_writer'::regrole::oid] FROM pg_policy WHERE polname = 'owner_all'
SELECT obj_description(oid, 'pg_policy') = 'published documents stay' FROM pg_policy WHERE polname = 'keep_published'
