SELECT nextval('billing.invoice_no') = 1000
SELECT seqmin = 10 AND seqmax = 99999 AND seqcache = 5 AND seqcycle AND seqtypid = 'integer'::regtype FROM pg_sequence WHERE seqrelid = 'ticket_seq'::regclass
SELECT seqstart = -1 AND seqmax = -1 FROM pg_sequence WHERE seqrelid = '"Odd name"'::regclass
SELECT pg_get_serial_sequence('billing.invoices', 'number') = 'billing.invoice_no'
SELECT obj_description('billing.invoice_no'::regclass, 'pg_class') = 'one per invoice'
