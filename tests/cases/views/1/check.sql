SELECT count(*) = 0 FROM reports.big_customers
SELECT obj_description('big_orders'::regclass, 'pg_class') = 'worth a call'
SELECT 'check_option=local' = ANY (reloptions) FROM pg_class WHERE oid = 'big_orders'::regclass
SELECT 'security_barrier=true' = ANY (reloptions) FROM pg_class WHERE oid = 'reports.big_customers'::regclass
