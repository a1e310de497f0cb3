INSERT INTO customers VALUES (1, ROW('Main St 1', 'Springfield', '12345'), ROW(10.50, 'eur'));
