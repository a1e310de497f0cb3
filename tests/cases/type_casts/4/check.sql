SELECT count(*) = 0 FROM pg_class WHERE relname = 'readings_id_seq'
SELECT column_default IS NULL FROM information_schema.columns WHERE table_name = 'readings' AND column_name = 'id'
