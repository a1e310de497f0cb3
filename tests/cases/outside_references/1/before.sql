CREATE SCHEMA lookups;
CREATE TABLE lookups.countries (code text PRIMARY KEY);
