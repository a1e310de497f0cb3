SELECT count(*) = 0 FROM pg_attribute WHERE attrelid = 'marker'::regclass AND attnum > 0
SELECT string_agg(conname, ',' ORDER BY conname) = 'accounts_email_again,accounts_email_key,accounts_id_key,accounts_pkey' FROM pg_constraint WHERE conrelid = 'accounts'::regclass
