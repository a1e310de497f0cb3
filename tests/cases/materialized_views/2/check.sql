SELECT count(*) = 2 FROM daily_totals
SELECT day = '2026-01-01' FROM best_days
SELECT relispopulated FROM pg_class WHERE oid = 'sales_ids'::regclass
SELECT count(*) = 3 FROM sales_ids
SELECT obj_description('daily_totals'::regclass, 'pg_class') = 'refreshed hourly'
SELECT to_regclass('daily_totals_total') IS NOT NULL AND to_regclass('sales_ids_id') IS NOT NULL
SELECT pg_typeof(total) = 'numeric'::regtype FROM daily_totals LIMIT 1
