INSERT INTO parcels VALUES ('12', 'red'), ('about 3 kg', 'red'), ('7', 'teal');
