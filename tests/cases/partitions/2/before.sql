INSERT INTO events (id, created_at, payload) VALUES (1, '2026-01-10', 'a'), (2, '2026-02-05', 'b'), (3, '2026-04-01', 'c');
INSERT INTO places VALUES (1, 'de', 'Berlin'), (2, 'fr', 'Paris');
