INSERT INTO orders (id, total) VALUES (1, 5) RETURNING code = 'ORD-100'
SELECT util.plus(1) = 2 AND util.plus('a', 'b') = 'ab' AND util.plus(NULL::text, 'b') IS NULL
SELECT twice(3) = 6
SELECT count(*) = 1 FROM "Orders Over"(0)
SELECT obj_description('touch_updated_at()'::regprocedure, 'pg_proc') = 'keeps updated_at current'
SELECT proconfig @> '{search_path=public,TimeZone=UTC}' AND cardinality(proconfig) = 2 AND prosecdef AND procost = 10 FROM pg_proc WHERE proname = 'next_code'
SELECT prorows = 50 FROM pg_proc WHERE proname = 'Orders Over'
UPDATE orders SET total = 7, updated_at = '2000-01-01' WHERE id = 1 RETURNING updated_at > '2001-01-01'
INSERT INTO editable VALUES (5, 9) RETURNING id = 5
