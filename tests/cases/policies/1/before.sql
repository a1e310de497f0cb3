DO $$ BEGIN CREATE ROLE reconcile_case_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE reconcile_case_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
