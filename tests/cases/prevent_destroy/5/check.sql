SELECT to_regclass('keep') IS NULL
SELECT to_regclass('invoice_no') IS NULL AND to_regclass('totals') IS NULL
