DO $$ BEGIN CREATE ROLE reconcile_case_app; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE reconcile_case_ro; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
