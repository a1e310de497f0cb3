SELECT sum(code) = 3 AND sum(amount) = 11 FROM t
SELECT string_agg(pg_get_expr(adbin, adrelid), ',' ORDER BY adnum) = '7,0' FROM pg_attrdef WHERE adrelid = 't'::regclass
