INSERT INTO tasks VALUES ('new', '{new,done}'), ('legacy', '{legacy}');
