UPDATE customers SET home.zip = 'AB-12' WHERE id = 1;
