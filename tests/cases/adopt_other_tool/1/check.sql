SELECT count(*) = 1 FROM accounts
