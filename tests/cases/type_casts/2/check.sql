SELECT sum(code) = 30 FROM readings
SELECT string_agg(mood::text, ',' ORDER BY id) = 'happy,sad' FROM readings
WITH added AS (INSERT INTO readings (code) VALUES (40) RETURNING id) SELECT id = 4 FROM added
SELECT node = pg_relation_filenode('widen') FROM probe.nodes
