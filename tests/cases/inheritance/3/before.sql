CREATE TABLE tasks (id bigint NOT NULL, created_at timestamptz NOT NULL, heading text, owner text NOT NULL, rank bigint, done boolean NOT NULL DEFAULT false);
INSERT INTO tasks VALUES (100, now(), 'write tests', 'ada', 2, false), (101, now(), 'ship', 'ada', 3, true);
