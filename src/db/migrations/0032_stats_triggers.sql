-- Sales statistics kept exact by triggers (modules/stats/README.md).
-- stats_contribution(orders) says what the given orders add to the statistics, from their lines and
-- the states of their parts; a trigger appends (contribution after − contribution before) to
-- stats_sales_deltas. The checkout and state-change code of the orders module is not touched, and no
-- row is updated by them, so parallel checkouts never wait for each other here.
--
-- p_parts/p_states: states to use instead of the stored ones (the "before" of a state change);
-- p_excluded_lines: lines to leave out (the "before" of an insert of lines).
-- A part's order-level discount is spread over its lines in proportion to their totals (largest
-- remainder, ties to the lower line id), so every part's lines add up to the part's order_discount.
CREATE FUNCTION stats_contribution(p_orders int[], p_parts int[], p_states text[], p_excluded_lines int[])
RETURNS TABLE (family text, hour timestamptz, shop_id int, group_id int, state text, lines int, units bigint,
               gross bigint, line_discount bigint, order_discount bigint, parts int, orders int)
-- PL/pgSQL, not SQL: PostgreSQL 15 plans a SQL function's query on every call; this one's plan is
-- cached per connection (it runs in every checkout).
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH part AS (
    SELECT p.id, COALESCE(ov.state, p.state) AS state, round(p.order_discount * 100)::bigint AS order_discount
    FROM order_parts p
    LEFT JOIN unnest(p_parts, p_states) AS ov(part_id, state) ON ov.part_id = p.id
    WHERE p.order_id = ANY (p_orders)
  ), line AS (
    SELECT l.id, l.order_id, l.part_id, l.shop_id, l.product_id, COALESCE(c.category_id, 0) AS category_id,
           o.user_id AS buyer_id, date_trunc('hour', o.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour,
           part.state, part.order_discount AS part_order_discount, l.quantity,
           round(l.amount * 100)::bigint AS gross, round(l.discount * 100)::bigint AS line_discount,
           round(l.total * 100)::bigint AS net
    FROM order_lines l
    JOIN part ON part.id = l.part_id
    JOIN orders o ON o.id = l.order_id
    LEFT JOIN stats_line_categories c ON c.line_id = l.id
    WHERE l.order_id = ANY (p_orders) AND NOT (l.id = ANY (p_excluded_lines))
  ), weighed AS (
    SELECT line.*, sum(line.net) OVER (PARTITION BY line.part_id) AS part_net FROM line
  ), floored AS (
    SELECT w.*,
           CASE WHEN w.part_net = 0 THEN 0
                ELSE div(w.part_order_discount::numeric * w.net, w.part_net)::bigint END AS od_floor,
           CASE WHEN w.part_net = 0 THEN 0
                ELSE mod(w.part_order_discount::numeric * w.net, w.part_net) END AS od_remainder
    FROM weighed w
  ), allotted AS (
    SELECT f.*,
           f.od_floor + CASE WHEN row_number() OVER (PARTITION BY f.part_id ORDER BY f.od_remainder DESC, f.id)
                                  <= f.part_order_discount - sum(f.od_floor) OVER (PARTITION BY f.part_id)
                             THEN 1 ELSE 0 END AS od
    FROM floored f
  ), keyed AS (
    SELECT fam.family AS fam, a.*,
           CASE WHEN fam.by_shop THEN a.shop_id ELSE 0 END AS shp,
           CASE fam.grp WHEN 'none' THEN 0 WHEN 'buyer' THEN a.buyer_id
                        WHEN 'category' THEN a.category_id ELSE a.product_id END AS grp
    FROM allotted a
    CROSS JOIN (VALUES ('total', false, 'none'), ('shop', true, 'none'), ('buyer', false, 'buyer'),
                       ('shop_buyer', true, 'buyer'), ('category', false, 'category'),
                       ('shop_category', true, 'category'), ('product', false, 'product'),
                       ('shop_product', true, 'product')) AS fam(family, by_shop, grp)
  ), stated AS (
    -- Every line under its part's state, and once more under 'live' when the part is not canceled.
    SELECT k.*, k.state AS st FROM keyed k
    UNION ALL
    SELECT k.*, 'live' AS st FROM keyed k WHERE k.state <> 'canceled'
  ), member AS (
    -- An order counts once per family, group and state, kept on its lowest shop key there.
    SELECT s.fam, s.hour, min(s.shp) AS shp, s.grp, s.st
    FROM stated s GROUP BY s.fam, s.hour, s.grp, s.st, s.order_id
  )
  SELECT s.fam, s.hour, s.shp, s.grp, s.st, count(*)::int, sum(s.quantity)::bigint,
         sum(s.gross)::bigint, sum(s.line_discount)::bigint, sum(s.od)::bigint,
         count(DISTINCT s.part_id)::int, 0
  FROM stated s GROUP BY s.fam, s.hour, s.shp, s.grp, s.st
  UNION ALL
  SELECT m.fam, m.hour, m.shp, m.grp, m.st, 0, 0, 0::bigint, 0::bigint, 0::bigint, 0, count(*)::int
  FROM member m GROUP BY m.fam, m.hour, m.shp, m.grp, m.st;
END
$$;
--> statement-breakpoint
-- Appends after − before for the given orders, keeping only keys whose figures changed.
CREATE FUNCTION stats_record_change(p_orders int[], p_parts int[], p_states text[], p_excluded_lines int[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_sales_deltas (family, hour, shop_id, group_id, state, lines, units, gross, line_discount,
                                  order_discount, parts, orders)
  SELECT c.family, c.hour, c.shop_id, c.group_id, c.state, sum(c.lines), sum(c.units), sum(c.gross),
         sum(c.line_discount), sum(c.order_discount), sum(c.parts), sum(c.orders)
  FROM (
    SELECT * FROM stats_contribution(p_orders, '{}', '{}', '{}')
    UNION ALL
    SELECT b.family, b.hour, b.shop_id, b.group_id, b.state, -b.lines, -b.units, -b.gross, -b.line_discount,
           -b.order_discount, -b.parts, -b.orders
    FROM stats_contribution(p_orders, p_parts, p_states, p_excluded_lines) b
  ) c
  GROUP BY c.family, c.hour, c.shop_id, c.group_id, c.state
  HAVING sum(c.lines) <> 0 OR sum(c.units) <> 0 OR sum(c.gross) <> 0 OR sum(c.line_discount) <> 0
      OR sum(c.order_discount) <> 0 OR sum(c.parts) <> 0 OR sum(c.orders) <> 0;
END
$$;
--> statement-breakpoint
-- New lines (the checkout writes an order's lines in one statement): remember their categories as they
-- are now, then record what the lines add.
CREATE FUNCTION stats_order_lines_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_orders int[];
  v_lines int[];
BEGIN
  INSERT INTO stats_line_categories (line_id, category_id)
  SELECT n.id, p.category_id FROM new_lines n JOIN products p ON p.id = n.product_id;
  SELECT array_agg(DISTINCT n.order_id), array_agg(n.id) INTO v_orders, v_lines FROM new_lines n;
  IF v_orders IS NULL THEN
    RETURN NULL;
  END IF;
  IF EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = ANY (v_orders) AND NOT (l.id = ANY (v_lines))) THEN
    PERFORM stats_record_change(v_orders, '{}', '{}', v_lines);
  ELSE
    -- New orders (a checkout): what they add is their whole contribution; no "before" to subtract.
    INSERT INTO stats_sales_deltas (family, hour, shop_id, group_id, state, lines, units, gross, line_discount,
                                    order_discount, parts, orders)
    SELECT c.* FROM stats_contribution(v_orders, '{}', '{}', '{}') c;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER stats_order_lines_inserted AFTER INSERT ON order_lines
REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION stats_order_lines_inserted();
--> statement-breakpoint
-- Parts that changed state (a cancel, a move forward, staff cascades): record the difference.
CREATE FUNCTION stats_order_parts_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_orders int[];
  v_parts int[];
  v_states text[];
BEGIN
  SELECT array_agg(DISTINCT n.order_id), array_agg(o.id), array_agg(o.state)
  INTO v_orders, v_parts, v_states
  FROM new_parts n JOIN old_parts o ON o.id = n.id
  WHERE n.state IS DISTINCT FROM o.state;
  IF v_orders IS NOT NULL THEN
    PERFORM stats_record_change(v_orders, v_parts, v_states, '{}');
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER stats_order_parts_updated AFTER UPDATE ON order_parts
REFERENCING OLD TABLE AS old_parts NEW TABLE AS new_parts FOR EACH STATEMENT
EXECUTE FUNCTION stats_order_parts_updated();
--> statement-breakpoint
-- The fold deletes deltas all day long: vacuum them often, so reads of the few left skip dead rows.
ALTER TABLE stats_sales_deltas SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
                                    autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000);
--> statement-breakpoint
-- Orders placed before statistics existed: their lines' categories as they are now, and their
-- contribution as deltas (the fold job files them into the rollups).
INSERT INTO stats_line_categories (line_id, category_id)
SELECT l.id, p.category_id FROM order_lines l JOIN products p ON p.id = l.product_id;
--> statement-breakpoint
DO $$
DECLARE
  v_low int;
  v_high int;
BEGIN
  SELECT min(id), max(id) INTO v_low, v_high FROM orders;
  WHILE v_low <= v_high LOOP
    INSERT INTO stats_sales_deltas (family, hour, shop_id, group_id, state, lines, units, gross, line_discount,
                                    order_discount, parts, orders)
    SELECT c.* FROM stats_contribution(ARRAY(SELECT id FROM orders WHERE id >= v_low AND id < v_low + 5000),
                                       '{}', '{}', '{}') c;
    v_low := v_low + 5000;
  END LOOP;
END
$$;
