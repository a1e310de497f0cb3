CREATE TABLE existing (id int); INSERT INTO existing VALUES (1);
