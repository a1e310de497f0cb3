CREATE TABLE old_t (id int);
CREATE TABLE new_t (id int);
