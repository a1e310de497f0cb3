SELECT count(*) = 2 FROM accounts a JOIN posts p ON p.account_id = a.id
SELECT string_agg(email || ':' || st, ',' ORDER BY id) = 'a@x:active,b@x:closed' FROM accounts
