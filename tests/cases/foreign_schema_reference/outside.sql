CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text NOT NULL);
INSERT INTO auth.users VALUES ('00000000-0000-0000-0000-000000000001', 'a@example.org');
