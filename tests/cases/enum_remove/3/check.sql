SELECT enum_range(NULL::status)::text = '{done,new}'
SELECT string_agg(s::text || ':' || history::text, ',' ORDER BY s) = 'done:{done},new:{new,done}' FROM tasks
SELECT pg_get_expr(adbin, adrelid) = '''new''::status' FROM pg_attrdef WHERE adrelid = 'tasks'::regclass
