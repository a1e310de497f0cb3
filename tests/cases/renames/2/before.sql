INSERT INTO users VALUES (1, 'a@x', 'open'), (2, 'b@x', 'closed');
INSERT INTO posts VALUES (1, 'hello'), (2, 'world');
