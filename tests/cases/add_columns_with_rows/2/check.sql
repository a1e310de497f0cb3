SELECT count(*) = 500 FROM items WHERE price = 0 AND note IS NULL AND added_at IS NOT NULL
SELECT min(name) = 'item 1' FROM items
