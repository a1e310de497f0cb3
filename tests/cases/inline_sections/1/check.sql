SELECT count(*) = 1 AND sum(amount) = 2.5 FROM ledger.entries
SELECT to_regclass('public.plain') IS NOT NULL
