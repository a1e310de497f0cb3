SELECT count(*) = 0 FROM daily_totals
SELECT NOT relispopulated FROM pg_class WHERE oid = 'sales_ids'::regclass
SELECT obj_description('daily_totals'::regclass, 'pg_class') = 'refreshed nightly'
SELECT indisunique FROM pg_index WHERE indexrelid = 'daily_totals_day'::regclass
