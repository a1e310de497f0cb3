SELECT spent = 450 FROM reports.big_customers WHERE customer = 'ann'
SELECT to_regclass('big_orders') IS NULL AND to_regclass('large_orders') IS NOT NULL
