SELECT to_regclass('public.gone') IS NULL AND to_regnamespace('old') IS NULL AND to_regtype('kind') IS NULL
SELECT count(*) = 2 FROM keep
SELECT count(*) = 1 FROM pg_attribute WHERE attrelid = 'keep'::regclass AND attnum > 0 AND NOT attisdropped
