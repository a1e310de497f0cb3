INSERT INTO parents VALUES (1, 'a'), (2, 'b');
INSERT INTO children VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 1, NULL);
