-- The catalog summary of products (offer count, price range, stock) recomputed from their visible
-- offers: active, of a shop accepting orders. Imports, shop switches and staff merges call it for
-- the products they touched; the trigger below calls it when an offer's stock crosses zero.
CREATE FUNCTION catalog_refresh_product_stats(ids integer[]) RETURNS integer
LANGUAGE sql VOLATILE AS $$
  WITH target AS (
    SELECT DISTINCT i.id FROM unnest(ids) AS i(id)
  ), agg AS (
    SELECT o.product_id,
           count(*)::integer AS offer_count,
           min(o.price) AS min_price,
           max(o.price) AS max_price,
           bool_or(o.quantity > 0) AS in_stock,
           min(o.price) FILTER (WHERE o.quantity > 0) AS in_stock_min_price
    FROM target t
    JOIN offers o ON o.product_id = t.id
    JOIN shops s ON s.id = o.shop_id
    WHERE o.is_active AND s.accepting_orders
    GROUP BY o.product_id
  ), changed AS (
    UPDATE products p
    SET offer_count = coalesce(a.offer_count, 0),
        min_price = a.min_price,
        max_price = a.max_price,
        in_stock = coalesce(a.in_stock, false),
        in_stock_min_price = a.in_stock_min_price
    FROM target t
    LEFT JOIN agg a ON a.product_id = t.id
    WHERE p.id = t.id
      AND (p.offer_count, p.min_price, p.max_price, p.in_stock, p.in_stock_min_price)
          IS DISTINCT FROM (coalesce(a.offer_count, 0), a.min_price, a.max_price, coalesce(a.in_stock, false), a.in_stock_min_price)
    RETURNING 1
  )
  SELECT count(*)::integer FROM changed;
$$;
--> statement-breakpoint
-- What full-text search sees of a product: its name (weight A), its offers' models and its category
-- (B), its offers' characteristic values (C), each in the russian and the english configuration.
-- Model keys like "apple/iphone/xr" are split into words so that "xr" finds them.
CREATE FUNCTION catalog_refresh_product_search(ids integer[]) RETURNS void
LANGUAGE sql VOLATILE AS $$
  WITH target AS (
    SELECT DISTINCT i.id FROM unnest(ids) AS i(id)
  ), src AS (
    SELECT p.id,
           p.name,
           c.name AS category,
           coalesce((
             SELECT string_agg(DISTINCT translate(o.model, '/_-.:', '     '), ' ')
             FROM offers o WHERE o.product_id = p.id AND o.is_active AND o.model IS NOT NULL
           ), '') AS models,
           coalesce((
             SELECT string_agg(DISTINCT v.value, ' ')
             FROM offers o, jsonb_each_text(o.parameters) AS v
             WHERE o.product_id = p.id AND o.is_active
           ), '') AS params
    FROM target t
    JOIN products p ON p.id = t.id
    JOIN categories c ON c.id = p.category_id
  )
  UPDATE products p
  SET search_vector =
        setweight(to_tsvector('russian', s.name), 'A') ||
        setweight(to_tsvector('english', s.name), 'A') ||
        setweight(to_tsvector('russian', s.models || ' ' || s.category), 'B') ||
        setweight(to_tsvector('english', s.models || ' ' || s.category), 'B') ||
        setweight(to_tsvector('russian', s.params), 'C') ||
        setweight(to_tsvector('english', s.params), 'C')
  FROM src s
  WHERE p.id = s.id;
$$;
--> statement-breakpoint
-- The summary stays right whoever writes offers: these statement-level triggers refresh the products
-- whose visible offers changed. A checkout that takes stock without emptying the offer changes
-- nothing the catalog shows and touches no product row. The product rows are locked (in id order)
-- before they are recomputed so that two checkouts emptying two offers of one product see each
-- other's result. Set-based writers (imports) set zakupka.catalog_bulk=on for their transaction and
-- refresh once, at the end.
CREATE FUNCTION catalog_bulk_writing() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('zakupka.catalog_bulk', true), '') = 'on'
$$;
--> statement-breakpoint
CREATE FUNCTION catalog_offers_inserted() RETURNS trigger
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
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION catalog_offers_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  stats integer[];
  search integer[];
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
  IF stats IS NULL AND search IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM 1 FROM products WHERE id = ANY(coalesce(stats, '{}') || coalesce(search, '{}')) ORDER BY id FOR UPDATE;
  IF stats IS NOT NULL THEN
    PERFORM catalog_refresh_product_stats(stats);
  END IF;
  IF search IS NOT NULL THEN
    PERFORM catalog_refresh_product_search(search);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION catalog_offers_deleted() RETURNS trigger
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
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER offers_catalog_inserted
AFTER INSERT ON offers REFERENCING NEW TABLE AS inserted
FOR EACH STATEMENT EXECUTE FUNCTION catalog_offers_inserted();
--> statement-breakpoint
CREATE TRIGGER offers_catalog_updated
AFTER UPDATE ON offers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION catalog_offers_updated();
--> statement-breakpoint
CREATE TRIGGER offers_catalog_deleted
AFTER DELETE ON offers REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION catalog_offers_deleted();
--> statement-breakpoint
-- A shop that stops (or resumes) accepting orders hides (or shows) all its offers at once.
CREATE FUNCTION catalog_shop_visibility_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids integer[];
BEGIN
  SELECT array_agg(DISTINCT product_id) INTO ids FROM offers WHERE shop_id = NEW.id AND is_active;
  IF ids IS NOT NULL THEN
    PERFORM catalog_refresh_product_stats(ids);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER shops_catalog_visibility
AFTER UPDATE OF accepting_orders ON shops
FOR EACH ROW WHEN (OLD.accepting_orders IS DISTINCT FROM NEW.accepting_orders)
EXECUTE FUNCTION catalog_shop_visibility_changed();
