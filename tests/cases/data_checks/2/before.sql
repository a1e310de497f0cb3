INSERT INTO t VALUES (1, NULL, 'abcdef', 100000), (2, 5, 'abcdef', -1);
