SELECT enum_range(NULL::status)::text = '{draft,new,"in progress",done,archived}'
SELECT count(*) = 2 FROM tasks
