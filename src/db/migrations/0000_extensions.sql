-- Trigram similarity for typo-tolerant catalog search.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
