-- Pre-aggregated facet counts (catalog README, "Facet counts"): the facets of the catalog home and of a
-- category page (no search words, no characteristic, shop or price filter) are sums over a few hundred
-- rows instead of a pass over every visible offer.
--
-- product_facets: one row per product and category of its visible offers (active, of a shop accepting
-- orders: matchingOffers' rule), with the keys those offers show: '*' (the product is listed), 'shop:<id>'
-- (a shop offers it) and each characteristic key of offers.facet_keys ("<parameter id>:<value key>");
-- stock_keys the same over the offers in stock. A product has no row while no offer of it is visible.
CREATE TABLE "product_facets" (
  "product_id" integer NOT NULL,
  "category_id" integer NOT NULL,
  "keys" text[] NOT NULL,
  "stock_keys" text[] NOT NULL,
  PRIMARY KEY ("product_id", "category_id")
);
--> statement-breakpoint
-- category_facet_counts: per category and key, how many products (of product_facets) show the key,
-- and how many show it in stock; category 0 is the whole catalog (its rows are the sums over the
-- categories: a product belongs to one category). The keys every product shows ('*', and 'shop:<id>'
-- of the big shops) are spread over 16 shards by a hash of the product id, so that concurrent checkouts
-- selling out the last stock of products rarely wait for the same row; a characteristic value has one
-- row per category and one for the catalog: at 200,000 offers 98 % of the category/value pairs have
-- fewer than 10 products, and sharding them multiplies the rows the whole catalog's facets add up
-- (4 shards: 16,000 rather than 4,000). Two checkouts that empty the last in-stock offers of two
-- products showing one value take turns on its row until the first commits. Rows are only ever
-- changed by catalog_refresh_product_facets, by the difference between a product's old and new keys.
-- The key index serves the category counts ('*' of every category); it leaves the counts out so that
-- changing them stays a HOT update.
CREATE TABLE "category_facet_counts" (
  "category_id" integer NOT NULL,
  "key" text NOT NULL,
  "shard" smallint NOT NULL,
  "products" integer NOT NULL,
  "in_stock" integer NOT NULL,
  PRIMARY KEY ("category_id", "key", "shard")
);
--> statement-breakpoint
CREATE INDEX "category_facet_counts_key_idx" ON "category_facet_counts" USING btree ("key");
--> statement-breakpoint
-- Recomputes the given products' rows from their offers and moves the counts by the difference. The
-- products' rows are locked first (in id order, as the summary triggers do) and the rest reads a snapshot
-- taken after the locks: two transactions refreshing one product take turns, and the second sees the
-- first's rows, so each difference is taken from what the counts hold. Count rows are changed in key
-- order within the one statement.
CREATE FUNCTION catalog_refresh_product_facets(ids integer[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  PERFORM 1 FROM products WHERE id = ANY(ids) ORDER BY id FOR UPDATE;
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
  INSERT INTO category_facet_counts AS c (category_id, key, shard, products, in_stock)
  SELECT category_id, key, shard, products, in_stock FROM delta ORDER BY category_id, key, shard
  ON CONFLICT (category_id, key, shard) DO UPDATE
  SET products = c.products + excluded.products, in_stock = c.in_stock + excluded.in_stock;
END
$$;
--> statement-breakpoint
-- The summary triggers (0007) refresh the facets of the products whose visible offers changed in what
-- facets count: visibility, product, category, shop, stock crossing zero, characteristic keys. Bulk
-- writers (the import) refresh them themselves, once, at the end.
CREATE OR REPLACE FUNCTION catalog_offers_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids integer[];
BEGIN
  IF catalog_bulk_writing() THEN
    RETURN NULL;
  END IF;
  SELECT array_agg(DISTINCT product_id) INTO ids FROM inserted;
  PERFORM 1 FROM products WHERE id = ANY(ids) ORDER BY id FOR UPDATE;
  PERFORM catalog_refresh_product_stats(ids);
  PERFORM catalog_refresh_product_search(ids);
  PERFORM catalog_refresh_product_facets(ids);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION catalog_offers_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  stats integer[];
  search integer[];
  facets integer[];
BEGIN
  IF catalog_bulk_writing() THEN
    RETURN NULL;
  END IF;
  SELECT array_agg(DISTINCT x.product_id) INTO stats
  FROM old_rows o
  JOIN new_rows n ON n.id = o.id
  CROSS JOIN LATERAL (VALUES (o.product_id), (n.product_id)) AS x(product_id)
  WHERE (o.is_active, o.price, o.product_id, o.shop_id, o.quantity > 0)
        IS DISTINCT FROM (n.is_active, n.price, n.product_id, n.shop_id, n.quantity > 0);
  SELECT array_agg(DISTINCT x.product_id) INTO search
  FROM old_rows o
  JOIN new_rows n ON n.id = o.id
  CROSS JOIN LATERAL (VALUES (o.product_id), (n.product_id)) AS x(product_id)
  WHERE (o.is_active, o.product_id, o.model, o.parameters)
        IS DISTINCT FROM (n.is_active, n.product_id, n.model, n.parameters);
  SELECT array_agg(DISTINCT x.product_id) INTO facets
  FROM old_rows o
  JOIN new_rows n ON n.id = o.id
  CROSS JOIN LATERAL (VALUES (o.product_id), (n.product_id)) AS x(product_id)
  WHERE (o.is_active, o.product_id, o.shop_id, o.category_id, o.quantity > 0, o.facet_keys)
        IS DISTINCT FROM (n.is_active, n.product_id, n.shop_id, n.category_id, n.quantity > 0, n.facet_keys);
  IF stats IS NULL AND search IS NULL AND facets IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM 1 FROM products
  WHERE id = ANY(coalesce(stats, '{}') || coalesce(search, '{}') || coalesce(facets, '{}'))
  ORDER BY id FOR UPDATE;
  IF stats IS NOT NULL THEN
    PERFORM catalog_refresh_product_stats(stats);
  END IF;
  IF search IS NOT NULL THEN
    PERFORM catalog_refresh_product_search(search);
  END IF;
  IF facets IS NOT NULL THEN
    PERFORM catalog_refresh_product_facets(facets);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION catalog_offers_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids integer[];
BEGIN
  IF catalog_bulk_writing() THEN
    RETURN NULL;
  END IF;
  SELECT array_agg(DISTINCT product_id) INTO ids FROM old_rows;
  PERFORM 1 FROM products WHERE id = ANY(ids) ORDER BY id FOR UPDATE;
  PERFORM catalog_refresh_product_stats(ids);
  PERFORM catalog_refresh_product_search(ids);
  PERFORM catalog_refresh_product_facets(ids);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION catalog_shop_visibility_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids integer[];
BEGIN
  SELECT array_agg(DISTINCT product_id) INTO ids FROM offers WHERE shop_id = NEW.id AND is_active;
  IF ids IS NOT NULL THEN
    PERFORM catalog_refresh_product_stats(ids);
    PERFORM catalog_refresh_product_facets(ids);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- The counts of the catalog as it is.
SELECT catalog_refresh_product_facets(array(SELECT DISTINCT product_id FROM offers));
