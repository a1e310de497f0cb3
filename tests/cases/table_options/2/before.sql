INSERT INTO scratch VALUES (1, 'kept'); INSERT INTO logs VALUES (now(), 'kept');
