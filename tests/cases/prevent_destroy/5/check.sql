SELECT to_regclass('keep') IS NULL
