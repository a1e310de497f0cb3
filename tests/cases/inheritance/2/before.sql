INSERT INTO items (title) VALUES ('plain item');
INSERT INTO notes (title, body) VALUES ('a note', 'text');
INSERT INTO notes (body) VALUES ('no title');
INSERT INTO pinned_notes (title, body) VALUES ('pinned', 'top');
ALTER TABLE items ADD COLUMN rank integer;
