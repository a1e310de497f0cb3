SELECT to_regclass('billing.invoice_no') IS NULL AND to_regclass('ticket_seq') IS NULL
SELECT count(*) = 2 FROM billing.invoices
SELECT nextval('billing.ticket_no') = 501
