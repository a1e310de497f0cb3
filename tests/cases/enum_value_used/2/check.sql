SELECT enum_range(NULL::stage)::text = '{triage,open,closed,archived}'
WITH added AS (INSERT INTO tickets (id) VALUES (3) RETURNING stage) SELECT stage = 'triage' FROM added
