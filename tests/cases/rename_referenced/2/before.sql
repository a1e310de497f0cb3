INSERT INTO clients (email) VALUES ('a@example.org'), ('b@example.org');
INSERT INTO invoices (client_id) VALUES (1), (2), (2);
