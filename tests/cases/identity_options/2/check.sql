SELECT seqincrement = 5 AND seqcache = 1 FROM pg_sequence WHERE seqrelid = pg_get_serial_sequence('orders', 'id')::regclass
SELECT seqmax = 32767 AND NOT seqcycle FROM pg_sequence WHERE seqrelid = pg_get_serial_sequence('orders', 'seat')::regclass
