SELECT count(*) = 2 FROM pg_type WHERE typtype = 'd' AND typnamespace = 'public'::regnamespace
SELECT obj_description('public.quantity'::regtype, 'pg_type') = 'how many'
