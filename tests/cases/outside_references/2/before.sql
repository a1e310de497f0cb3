ALTER TABLE accounts ADD FOREIGN KEY (country) REFERENCES lookups.countries (code);
