CREATE TABLE events (id integer, note text);
CREATE TABLE login_events (ip inet) INHERITS (events);
CREATE TABLE unrelated (id integer);
