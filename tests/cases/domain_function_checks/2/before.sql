INSERT INTO products VALUES ('ABC-1', 'one'), ('XYZ-22', 'two');
