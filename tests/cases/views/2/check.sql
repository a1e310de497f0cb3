SELECT n = 2 AND spent = 450 FROM reports.big_customers WHERE customer = 'ann'
SELECT to_regclass('"Odd view"') IS NULL
SELECT format_type(atttypid, atttypmod) = 'numeric(12,2)' FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'total'
