SELECT count(*) = 2 AND bool_and(code = 'C-7') FROM items
INSERT INTO items (id, price, name) VALUES (3, 1, 'Three') RETURNING code = 'D-7'
SELECT pg_get_function_arguments('positive(numeric)'::regprocedure) = 'amount numeric' AND pg_get_function_arguments('norm(text)'::regprocedure) = 'value text'
SELECT pg_get_function_result('code_for(integer)'::regprocedure) = 'character varying'
SELECT count(*) = 1 FROM pg_constraint WHERE conname = 'items_price_positive' AND convalidated
SELECT count(*) = 2 FROM pg_indexes WHERE indexname IN ('items_name_key', 'item_names_norm')
SELECT count(*) = 2 FROM item_names
