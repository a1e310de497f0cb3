INSERT INTO t VALUES ('1', 'ab'), ('2', 'cd');
