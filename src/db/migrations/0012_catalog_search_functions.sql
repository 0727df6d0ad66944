-- Search text lives in product_search. Vectors use the russian configuration, which stems Cyrillic
-- words with the Russian Snowball stemmer and Latin words with the English one, so one pass covers
-- both languages (queries are parsed with both the russian and the english configurations).
-- Characteristic values count when they are text (colours, resolutions), not numbers or flags.
-- Only vectors that differ are written.
CREATE OR REPLACE FUNCTION catalog_refresh_product_search(ids integer[]) RETURNS void
LANGUAGE sql VOLATILE AS $$
  WITH target AS (
    SELECT DISTINCT i.id FROM unnest(ids) AS i(id)
  ), models AS (
    SELECT o.product_id, string_agg(DISTINCT translate(o.model, '/_-.:', '     '), ' ') AS text
    FROM target t JOIN offers o ON o.product_id = t.id
    WHERE o.is_active AND o.model IS NOT NULL
    GROUP BY o.product_id
  ), vals AS (
    SELECT o.product_id, string_agg(DISTINCT v.value #>> '{}', ' ') AS text
    FROM target t JOIN offers o ON o.product_id = t.id
    CROSS JOIN LATERAL jsonb_each(o.parameters) AS v
    WHERE o.is_active AND jsonb_typeof(v.value) = 'string'
    GROUP BY o.product_id
  )
  INSERT INTO product_search AS ps (product_id, search_vector)
  SELECT p.id,
         setweight(to_tsvector('russian', p.name), 'A') ||
         setweight(to_tsvector('russian', coalesce(m.text, '') || ' ' || c.name), 'B') ||
         setweight(to_tsvector('russian', coalesce(v.text, '')), 'C')
  FROM target t
  JOIN products p ON p.id = t.id
  JOIN categories c ON c.id = p.category_id
  LEFT JOIN models m ON m.product_id = p.id
  LEFT JOIN vals v ON v.product_id = p.id
  ON CONFLICT (product_id) DO UPDATE SET search_vector = excluded.search_vector
  WHERE ps.search_vector IS DISTINCT FROM excluded.search_vector;
$$;
