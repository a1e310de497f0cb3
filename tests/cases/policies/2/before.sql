INSERT INTO documents VALUES (1, 'ann', 'plan', true), (2, 'bob', 'notes', false);
