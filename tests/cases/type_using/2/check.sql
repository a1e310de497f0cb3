SELECT sum(v) = 30 FROM t
