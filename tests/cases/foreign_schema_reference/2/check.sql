SELECT count(*) = 1 FROM profiles
SELECT count(*) = 1 FROM pg_constraint WHERE conrelid = 'public.profiles'::regclass AND contype = 'f'
SELECT NOT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = 'auth'::regnamespace AND relname <> 'users' AND relname <> 'users_pkey')
