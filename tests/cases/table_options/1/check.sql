SELECT relpersistence = 'u' AND reloptions = '{fillfactor=70}' FROM pg_class WHERE oid = 'public.scratch'::regclass
SELECT reloptions = '{autovacuum_enabled=false,fillfactor=90}' FROM pg_class WHERE oid = 'public.logs'::regclass
