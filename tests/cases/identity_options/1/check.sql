SELECT seqstart = 1000 AND seqincrement = 10 AND seqcache = 20 FROM pg_sequence WHERE seqrelid = pg_get_serial_sequence('orders', 'id')::regclass
SELECT seqmax = 500 AND seqcycle FROM pg_sequence WHERE seqrelid = pg_get_serial_sequence('orders', 'seat')::regclass
