SELECT count(*) = 3 FROM invoices JOIN customers ON customers.number = invoices.client_id
SELECT confrelid = 'customers'::regclass FROM pg_constraint WHERE conrelid = 'invoices'::regclass AND contype = 'f'
SELECT string_agg(conname, ',' ORDER BY conname) = 'customers_email_key,customers_pkey' FROM pg_constraint WHERE conrelid = 'customers'::regclass
