INSERT INTO tasks VALUES ('new'), ('done');
