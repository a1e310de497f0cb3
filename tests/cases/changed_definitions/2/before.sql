INSERT INTO a VALUES (1, 5, 'x'), (2, 10, 'y');
INSERT INTO b VALUES (1), (2);
