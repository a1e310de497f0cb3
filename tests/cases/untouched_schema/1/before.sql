CREATE SCHEMA legacy;
CREATE TABLE legacy.stuff (id int PRIMARY KEY, v text);
INSERT INTO legacy.stuff VALUES (1, 'keep me');
CREATE SCHEMA other;
CREATE TYPE other.e AS ENUM ('x');
