SELECT relpersistence = 'p' AND reloptions = '{fillfactor=80}' FROM pg_class WHERE oid = 'public.scratch'::regclass
SELECT reloptions = '{fillfactor=90}' FROM pg_class WHERE oid = 'public.logs'::regclass
SELECT (SELECT count(*) FROM scratch) = 1 AND (SELECT count(*) FROM logs) = 1
