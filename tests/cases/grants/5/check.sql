SELECT NOT has_table_privilege('reconcile_case_ro', 'app.credits', 'SELECT')
SELECT has_table_privilege('reconcile_case_ro', 'app.refunds', 'SELECT')
SELECT count(*) = 2 FROM pg_default_acl WHERE defaclnamespace = 'app'::regnamespace
SELECT EXISTS (SELECT 1 FROM pg_default_acl WHERE defaclnamespace = 'app'::regnamespace AND defaclrole = 'reconcile_case_app'::regrole AND defaclobjtype = 'f')
SELECT has_type_privilege('reconcile_case_ro', 'app.status', 'USAGE')
SELECT NOT has_type_privilege('reconcile_case_ro', 'app.amount', 'USAGE')
