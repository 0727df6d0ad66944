-- The embedded database's import in short statements (issue 16): PGlite runs every statement on the
-- API's own thread.
--
-- Uploads stored in slices: on PGlite one statement writing or reading a 40 MB value held
-- the API's thread for seconds. An upload stored before this is one row, slice 0. Slices are stored
-- uncompressed (EXTERNAL): compressing them cost the same thread time and saved little for a file
-- that is deleted once applied.
ALTER TABLE "import_files" ADD COLUMN "slice" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "import_files" DROP CONSTRAINT "import_files_pkey";--> statement-breakpoint
ALTER TABLE "import_files" ADD CONSTRAINT "import_files_import_id_slice_pk" PRIMARY KEY("import_id","slice");--> statement-breakpoint
ALTER TABLE "import_files" ALTER COLUMN "content" SET STORAGE EXTERNAL;--> statement-breakpoint
-- The facet counts' differences of the given products, their product_facets rows written (what
-- catalog_refresh_product_facets did before its last step, which now reads this). An import on PGlite
-- refreshes its products a few hundred at a time and adds the differences up itself, writing the
-- counts once at its end: every refresh moving the same rows ('*' and the shop's shards) within one
-- transaction made each next one slower (a 100,000-good import: 136 ms a thousand products at first,
-- 330 ms at the end). The products' rows are locked first, in id order.
CREATE FUNCTION catalog_product_facet_deltas(ids integer[])
RETURNS TABLE (category_id integer, key text, shard smallint, products integer, in_stock integer)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  PERFORM 1 FROM products WHERE id = ANY(ids) ORDER BY id FOR UPDATE;
  RETURN QUERY
    WITH target AS (
      SELECT DISTINCT i.id FROM unnest(ids) AS i(id)
    ), fresh AS (
      SELECT o.product_id, o.category_id,
             array_agg(DISTINCT k.key ORDER BY k.key) AS keys,
             coalesce(array_agg(DISTINCT k.key ORDER BY k.key) FILTER (WHERE o.quantity > 0), '{}') AS stock_keys
      FROM target t
      JOIN offers o ON o.product_id = t.id
      JOIN shops s ON s.id = o.shop_id
      CROSS JOIN LATERAL unnest(o.facet_keys || ARRAY['*', 'shop:' || o.shop_id]) AS k(key)
      WHERE o.is_active AND s.accepting_orders
      GROUP BY o.product_id, o.category_id
    ), old AS (
      SELECT pf.product_id, pf.category_id, pf.keys, pf.stock_keys
      FROM target t JOIN product_facets pf ON pf.product_id = t.id
    ), changed AS (
      -- Only the rows that differ are written and counted (a re-import mostly finds none).
      SELECT coalesce(f.product_id, o.product_id) AS product_id, coalesce(f.category_id, o.category_id) AS category_id,
             f.keys AS new_keys, f.stock_keys AS new_stock_keys, o.keys AS old_keys, o.stock_keys AS old_stock_keys
      FROM fresh f FULL JOIN old o ON o.product_id = f.product_id AND o.category_id = f.category_id
      WHERE (f.keys, f.stock_keys) IS DISTINCT FROM (o.keys, o.stock_keys)
    ), gone AS (
      DELETE FROM product_facets pf
      USING changed c
      WHERE pf.product_id = c.product_id AND pf.category_id = c.category_id AND c.new_keys IS NULL
    ), kept AS (
      INSERT INTO product_facets AS pf (product_id, category_id, keys, stock_keys)
      SELECT product_id, category_id, new_keys, new_stock_keys FROM changed WHERE new_keys IS NOT NULL
      ON CONFLICT (product_id, category_id) DO UPDATE
      SET keys = excluded.keys, stock_keys = excluded.stock_keys
    ), moved AS (
      SELECT c.category_id, c.product_id, k.key, 1 AS products, (k.key = ANY(c.new_stock_keys))::integer AS in_stock
      FROM changed c CROSS JOIN LATERAL unnest(c.new_keys) AS k(key)
      UNION ALL
      SELECT c.category_id, c.product_id, k.key, -1, -(k.key = ANY(c.old_stock_keys))::integer
      FROM changed c CROSS JOIN LATERAL unnest(c.old_keys) AS k(key)
    ), delta AS (
      SELECT d.category_id, d.key, d.shard, sum(d.products)::integer AS products, sum(d.in_stock)::integer AS in_stock
      FROM (
        SELECT c.category_id, m.key,
               (CASE WHEN m.key = '*' OR m.key LIKE 'shop:%' THEN hashint4(m.product_id) & 15 ELSE 0 END)::smallint AS shard,
               m.products, m.in_stock
        FROM moved m CROSS JOIN LATERAL (VALUES (m.category_id), (0)) AS c(category_id)
      ) d
      GROUP BY 1, 2, 3
      HAVING sum(d.products) <> 0 OR sum(d.in_stock) <> 0
    )
    SELECT d.category_id, d.key, d.shard, d.products, d.in_stock FROM delta d;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION catalog_refresh_product_facets(ids integer[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO category_facet_counts AS c (category_id, key, shard, products, in_stock)
  SELECT d.category_id, d.key, d.shard, d.products, d.in_stock
  FROM catalog_product_facet_deltas(ids) d ORDER BY d.category_id, d.key, d.shard
  ON CONFLICT (category_id, key, shard) DO UPDATE
  SET products = c.products + excluded.products, in_stock = c.in_stock + excluded.in_stock;
END
$$;
