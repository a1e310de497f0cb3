CREATE AGGREGATE old.total_of(integer) (sfunc = int4pl, stype = integer);
