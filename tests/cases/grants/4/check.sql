SELECT has_table_privilege('reconcile_case_ro', 'app.refunds', 'SELECT')
SELECT count(*) = 2 FROM pg_default_acl WHERE defaclnamespace = 'app'::regnamespace
SELECT has_type_privilege('reconcile_case_app', 'app.status', 'USAGE') AND NOT has_type_privilege('reconcile_case_ro', 'app.status', 'USAGE')
SELECT has_type_privilege('reconcile_case_ro', 'app.amount', 'USAGE')
SELECT NOT has_type_privilege('reconcile_case_ro', 'app.pair', 'USAGE')
