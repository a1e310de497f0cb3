INSERT INTO bookings VALUES (1, 1, '[2026-01-01,2026-01-02)', false, 'a'), (2, 1, '[2026-01-01 12:00,2026-01-03)', true, 'b');
