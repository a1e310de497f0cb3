SELECT relreplident = 'f' FROM pg_class WHERE relname = 'audit'
SELECT indisreplident FROM pg_index WHERE indexrelid = 'accounts_email'::regclass
