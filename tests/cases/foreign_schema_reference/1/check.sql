SELECT confrelid = 'auth.users'::regclass AND confdeltype = 'c' FROM pg_constraint WHERE conrelid = 'public.profiles'::regclass AND contype = 'f'
SELECT count(*) = 1 FROM auth.users
