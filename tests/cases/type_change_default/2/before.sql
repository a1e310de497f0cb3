INSERT INTO t VALUES ('1', 5), ('2', 6);
