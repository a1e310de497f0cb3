SELECT setval('ticket_seq', 500);
