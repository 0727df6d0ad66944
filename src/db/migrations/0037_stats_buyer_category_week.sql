-- Statistics at scale, part 3 (modules/stats/README.md):
-- 1. A rollup family keyed by buyer × category (`buyer_category`: shop_id = the buyer, group_id = the
--    category as sold): a buyer's purchases by category read a few month/week rows instead of adding up
--    the buyer's lines on the spot. stats_contribution writes it like every other family (one more key
--    per category of an order and state); p_families lets a backfill compute only the families it needs.
-- 2. A week grain (ISO weeks, Monday first, of the rollup zone Europe/Moscow) besides hour/day/month:
--    a year by week reads 53 rows per shop or group and state instead of 365 day rows. The fold writes it
--    (fold.service.ts); here it is filled from the day rows.
-- Both backfills hold the fold off (its advisory lock) and writers of lines and part states (share lock)
-- until commit, so no change is counted twice or lost: deltas not folded yet are filed by the next fold
-- into every grain, week included, and hold no buyer_category row (the old function wrote none), while
-- the buyer_category rows below are computed from the lines and states as they are now.
-- The triggers call stats_contribution with four arguments: they get every family (p_families NULL).
DROP FUNCTION stats_contribution(int[], int[], text[], int[]);
--> statement-breakpoint
CREATE FUNCTION stats_contribution(p_orders int[], p_parts int[], p_states text[], p_excluded_lines int[],
                                   p_families text[] DEFAULT NULL)
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
           CASE fam.key_by WHEN 'shop' THEN a.shop_id WHEN 'buyer' THEN a.buyer_id ELSE 0 END AS shp,
           CASE fam.grp WHEN 'none' THEN 0 WHEN 'buyer' THEN a.buyer_id
                        WHEN 'category' THEN a.category_id ELSE a.product_id END AS grp
    FROM allotted a
    CROSS JOIN (
      SELECT * FROM (VALUES ('total', 'none', 'none'), ('shop', 'shop', 'none'), ('buyer', 'none', 'buyer'),
                            ('shop_buyer', 'shop', 'buyer'), ('category', 'none', 'category'),
                            ('shop_category', 'shop', 'category'), ('product', 'none', 'product'),
                            ('shop_product', 'shop', 'product'),
                            ('buyer_category', 'buyer', 'category')) AS v(family, key_by, grp)
      WHERE p_families IS NULL OR v.family = ANY (p_families)
    ) AS fam
  ), stated AS (
    -- Every line under its part's state, and once more under 'live' when the part is not canceled.
    SELECT k.*, k.state AS st FROM keyed k
    UNION ALL
    SELECT k.*, 'live' AS st FROM keyed k WHERE k.state <> 'canceled'
  ), member AS (
    -- An order counts once per family, group and state, kept on its lowest shop key there (in
    -- buyer_category the key is the order's buyer: one per order).
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
LOCK TABLE order_lines, order_parts IN SHARE MODE;
--> statement-breakpoint
SELECT pg_advisory_xact_lock(x'7374617473'::bigint); -- the fold's lock ("stats" in ASCII; fold.service.ts)
--> statement-breakpoint
INSERT INTO stats_rollups (family, grain, bucket, shop_id, group_id, state, lines, units, gross, line_discount,
                           order_discount, parts, orders)
SELECT r.family, 'week', date_trunc('week', r.bucket AT TIME ZONE 'Europe/Moscow') AT TIME ZONE 'Europe/Moscow',
       r.shop_id, r.group_id, r.state, sum(r.lines), sum(r.units), sum(r.gross), sum(r.line_discount),
       sum(r.order_discount), sum(r.parts), sum(r.orders)
FROM stats_rollups r WHERE r.grain = 'day'
GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6;
--> statement-breakpoint
CREATE TEMP TABLE stats_backfill ON COMMIT DROP AS SELECT * FROM stats_sales_deltas WITH NO DATA;
--> statement-breakpoint
DO $$
DECLARE
  v_low int;
  v_high int;
BEGIN
  SELECT min(id), max(id) INTO v_low, v_high FROM orders;
  WHILE v_low <= v_high LOOP
    INSERT INTO stats_backfill (family, hour, shop_id, group_id, state, lines, units, gross, line_discount,
                                order_discount, parts, orders)
    SELECT c.* FROM stats_contribution(ARRAY(SELECT id FROM orders WHERE id >= v_low AND id < v_low + 5000),
                                       '{}', '{}', '{}', ARRAY['buyer_category']) c;
    v_low := v_low + 5000;
  END LOOP;
END
$$;
--> statement-breakpoint
-- Hour rows, then every coarser grain from them (an order lies in one hour: every measure adds up).
INSERT INTO stats_rollups (family, grain, bucket, shop_id, group_id, state, lines, units, gross, line_discount,
                           order_discount, parts, orders)
SELECT t.family, g.grain,
       CASE g.grain WHEN 'hour' THEN t.hour
                    ELSE date_trunc(g.grain, t.hour AT TIME ZONE 'Europe/Moscow') AT TIME ZONE 'Europe/Moscow' END,
       t.shop_id, t.group_id, t.state, sum(t.lines), sum(t.units), sum(t.gross), sum(t.line_discount),
       sum(t.order_discount), sum(t.parts), sum(t.orders)
FROM stats_backfill t CROSS JOIN (VALUES ('hour'), ('day'), ('week'), ('month')) AS g(grain)
GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6;
