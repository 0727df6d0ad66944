-- Statistics off the checkout's path (modules/stats/README.md, "Pending orders"). Until now the trigger on
-- order lines computed a new order's contribution (stats_contribution, every family and state) and wrote its
-- deltas in the checkout's own transaction: 3–4 ms of PostgreSQL time per checkout, about 40 % of it. Now a
-- checkout records its order as pending (one row); a fold expands pending orders in batches, straight into the
-- rollups (fold.service.ts); a read adds the pending orders of its period on the spot (stats_unfolded). Each
-- order is counted exactly once in any snapshot: while pending, only by its expansion (from its current lines
-- and part states — the triggers write no delta for a pending order); once expanded, by its rollups plus the
-- deltas of later changes.
-- Locking: a trigger that would write deltas for an order first share-locks the order's pending row; the fold
-- takes pending rows FOR UPDATE SKIP LOCKED (skipping orders a transaction is changing) and computes their
-- contribution in a later statement, whose snapshot sees every change committed before it took the rows. A
-- trigger that waited for a fold finds the row gone and writes its after − before deltas as for any expanded
-- order.
CREATE TABLE "stats_pending_orders" (
	"order_id" integer PRIMARY KEY NOT NULL,
	"hour" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE stats_pending_orders SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION stats_order_lines_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_orders int[];
  v_lines int[];
  v_pending int[];
  v_changed int[];
BEGIN
  INSERT INTO stats_line_categories (line_id, category_id)
  SELECT n.id, p.category_id FROM new_lines n JOIN products p ON p.id = n.product_id;
  SELECT array_agg(DISTINCT n.order_id), array_agg(n.id) INTO v_orders, v_lines FROM new_lines n;
  IF v_orders IS NULL THEN
    RETURN NULL;
  END IF;
  -- Orders still pending are computed whole when expanded: nothing to write for them.
  SELECT coalesce(array_agg(s.order_id), '{}') INTO v_pending
  FROM (SELECT order_id FROM stats_pending_orders WHERE order_id = ANY (v_orders) FOR SHARE) s;
  -- Expanded orders that had lines before this statement: what the new lines change (after − before).
  SELECT array_agg(DISTINCT l.order_id) INTO v_changed FROM order_lines l
  WHERE l.order_id = ANY (v_orders) AND NOT (l.order_id = ANY (v_pending)) AND NOT (l.id = ANY (v_lines));
  IF v_changed IS NOT NULL THEN
    PERFORM stats_record_change(v_changed, '{}', '{}', v_lines);
  END IF;
  -- New orders (a checkout): pending until a fold expands them.
  INSERT INTO stats_pending_orders (order_id, hour)
  SELECT o.id, date_trunc('hour', o.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' FROM orders o
  WHERE o.id = ANY (v_orders) AND NOT (o.id = ANY (v_pending)) AND NOT (o.id = ANY (coalesce(v_changed, '{}')));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION stats_order_parts_updated() RETURNS trigger
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
  IF v_orders IS NULL THEN
    RETURN NULL;
  END IF;
  -- Pending orders are expanded with their states as they will be then: no delta for them.
  SELECT array_agg(o) INTO v_orders FROM unnest(v_orders) AS o
  WHERE o <> ALL (ARRAY(SELECT s.order_id FROM (SELECT order_id FROM stats_pending_orders
                                                 WHERE order_id = ANY (v_orders) FOR SHARE) s));
  IF v_orders IS NOT NULL THEN
    PERFORM stats_record_change(v_orders, v_parts, v_states, '{}');
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- What reads add to the rollups of one family in [p_from, p_to): the deltas not folded yet and the
-- contribution of the orders still pending, computed from their lines now (the read's own snapshot).
CREATE FUNCTION stats_unfolded(p_family text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (family text, hour timestamptz, shop_id int, group_id int, state text, lines int, units bigint,
               gross bigint, line_discount bigint, order_discount bigint, parts int, orders int)
LANGUAGE sql STABLE AS $$
  SELECT d.family, d.hour, d.shop_id, d.group_id, d.state, d.lines, d.units, d.gross, d.line_discount,
         d.order_discount, d.parts, d.orders
  FROM stats_sales_deltas d
  WHERE d.family = p_family AND d.hour >= p_from AND d.hour < p_to
  UNION ALL
  SELECT c.family, c.hour, c.shop_id, c.group_id, c.state, c.lines, c.units, c.gross, c.line_discount,
         c.order_discount, c.parts, c.orders
  FROM stats_contribution(ARRAY(SELECT p.order_id FROM stats_pending_orders p
                                WHERE p.hour >= p_from AND p.hour < p_to), '{}', '{}', '{}', ARRAY[p_family]) c
$$;
