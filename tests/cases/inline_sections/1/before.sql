CREATE SCHEMA ledger;
COMMENT ON SCHEMA ledger IS 'books';
CREATE TABLE ledger.entries (id bigint NOT NULL, amount numeric(12,2), CONSTRAINT entries_pkey PRIMARY KEY (id));
INSERT INTO ledger.entries VALUES (1, 2.5);
