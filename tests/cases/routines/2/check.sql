SELECT is_positive(0)
SELECT pg_typeof(twice(2)) = 'bigint'::regtype
SELECT to_regprocedure('util.plus(text, text)') IS NULL AND util.plus(2, 3) = 5
SELECT make_code() = 'ORD-103' AND to_regprocedure('next_code()') IS NULL
SELECT count(*) = 3 FROM doubled
UPDATE orders SET code = 'x' WHERE id = 2 RETURNING updated_at = '2000-01-01'
UPDATE orders SET total = 6 WHERE id = 2 RETURNING updated_at > '2001-01-01'
SELECT count(*) = 2 FROM pg_trigger WHERE tgrelid = 'orders'::regclass AND NOT tgisinternal
INSERT INTO editable VALUES (6, 1) RETURNING id = 6
