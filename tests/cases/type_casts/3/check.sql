SELECT data_type = 'bigint' FROM information_schema.sequences WHERE sequence_name = 'readings_id_seq'
WITH added AS (INSERT INTO readings (code) VALUES ('50') RETURNING id) SELECT id = 5 FROM added
