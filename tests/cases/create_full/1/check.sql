SELECT count(*) = 4 FROM pg_tables WHERE schemaname IN ('public', 'billing')
SELECT confdeltype = 'r' AND confupdtype = 'c' AND condeferrable AND condeferred FROM pg_constraint WHERE conname = 'invoices_order_fk'
SELECT obj_description('billing.invoices'::regclass) = 'One invoice per order'
SELECT col_description('billing.invoices'::regclass, 7) = 'quoted identifiers work'
SELECT count(*) = 1 FROM pg_indexes WHERE indexname = 'ix_invoices_issued_brin' AND indexdef LIKE '%USING brin%'
SELECT (SELECT attgenerated FROM pg_attribute WHERE attrelid = 'billing.invoices'::regclass AND attname = 'amount') = 's'
SELECT pg_get_serial_sequence('billing.payments', 'id') IS NOT NULL
SELECT enum_range(NULL::billing.invoice_state)::text = '{draft,sent,paid}'
