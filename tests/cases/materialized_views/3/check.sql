SELECT n = 2 FROM daily_totals WHERE day = '2026-01-01'
SELECT to_regclass('sales_ids') IS NULL
SELECT count(*) = 1 FROM best_days
