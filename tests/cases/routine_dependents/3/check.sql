SELECT count(*) = 4 AND bool_and(tripled = id * 3) FROM items
SELECT pg_get_function_result('triple(integer)'::regprocedure) = 'bigint'
INSERT INTO items (id, price, name) VALUES (5, 1, 'Five') RETURNING tripled = 15
