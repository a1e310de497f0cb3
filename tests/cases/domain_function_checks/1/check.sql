SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE contypid = 'public.sku'::regtype AND conname = 'sku_shape')
