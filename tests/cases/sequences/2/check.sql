SELECT nextval('billing.invoice_no') = 1012
SELECT seqmax = 9223372036854775807 AND seqcache = 1 AND NOT seqcycle AND seqtypid = 'bigint'::regtype FROM pg_sequence WHERE seqrelid = 'ticket_seq'::regclass
SELECT to_regclass('"Odd name"') IS NULL
SELECT obj_description('billing.invoice_no'::regclass, 'pg_class') IS NULL
