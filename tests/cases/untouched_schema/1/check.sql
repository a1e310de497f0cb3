SELECT v = 'keep me' FROM legacy.stuff
SELECT to_regtype('other.e') IS NOT NULL
