SELECT count(*) = 1 FROM pg_extension WHERE extname = 'pgcrypto'
