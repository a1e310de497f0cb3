INSERT INTO readings VALUES (1, '10', 'first', 1.50, 'happy', 7), (2, '20', 'second', 2.25, 'sad', 8), (3, NULL, NULL, NULL, NULL, NULL);
INSERT INTO widen VALUES ('a', 1.25, 'b');
CREATE SCHEMA probe;
CREATE TABLE probe.nodes AS SELECT pg_relation_filenode('widen') AS node;
