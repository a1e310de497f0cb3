CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE accounts (
  id serial CONSTRAINT pk_accounts PRIMARY KEY,
  email varchar(100) NOT NULL CONSTRAINT uq_accounts_email UNIQUE,
  active bool DEFAULT true,
  score int4 DEFAULT 0 CHECK (score >= 0),
  feeling mood DEFAULT 'happy',
  created timestamp with time zone DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE posts (
  id bigserial PRIMARY KEY,
  account_id int REFERENCES accounts ON DELETE CASCADE,
  title character varying NOT NULL,
  body TEXT
);
CREATE INDEX posts_account_idx ON posts USING btree (account_id);
CREATE INDEX ON posts (lower(title));
INSERT INTO accounts (email) VALUES ('a@example.com');
