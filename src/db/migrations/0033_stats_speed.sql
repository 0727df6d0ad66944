-- Statistics at scale (modules/stats/README.md): the shop and group indexes read only the states asked for, and
-- stats_line_figures gives a few orders' lines as statistics count them (a buyer's purchases by category or product).
DROP INDEX "stats_rollups_shop_idx";--> statement-breakpoint
DROP INDEX "stats_rollups_group_idx";--> statement-breakpoint
CREATE INDEX "stats_rollups_shop_idx" ON "stats_rollups" USING btree ("family","grain","shop_id","state","bucket");--> statement-breakpoint
CREATE INDEX "stats_rollups_group_idx" ON "stats_rollups" USING btree ("family","grain","group_id","state","bucket");--> statement-breakpoint
-- Each line of the given orders as statistics count it: its part's state, its category as sold, its
-- order's UTC hour, and its share of its part's order-level discount spread over the part's lines in
-- proportion to their totals by the largest remainder, ties to the lower line id — stats_contribution's
-- rule, line by line, for reads that add up a few orders' lines directly (a buyer's own purchases by
-- category or product: modules/stats/figures.ts). SQL and STABLE, so it is inlined into the caller.
CREATE FUNCTION stats_line_figures(p_orders int[])
RETURNS TABLE (id int, order_id int, part_id int, shop_id int, product_id int, category_id int, buyer_id int,
               hour timestamptz, state text, quantity int, gross bigint, line_discount bigint, order_discount bigint)
LANGUAGE sql STABLE AS $$
  WITH line AS (
    SELECT l.id, l.order_id, l.part_id, l.shop_id, l.product_id, COALESCE(c.category_id, 0) AS category_id,
           o.user_id AS buyer_id, date_trunc('hour', o.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour,
           p.state, round(p.order_discount * 100)::bigint AS part_order_discount, l.quantity,
           round(l.amount * 100)::bigint AS gross, round(l.discount * 100)::bigint AS line_discount,
           round(l.total * 100)::bigint AS net
    FROM order_lines l
    JOIN order_parts p ON p.id = l.part_id
    JOIN orders o ON o.id = l.order_id
    LEFT JOIN stats_line_categories c ON c.line_id = l.id
    WHERE l.order_id = ANY (p_orders)
  ), weighed AS (
    SELECT line.*, sum(line.net) OVER (PARTITION BY line.part_id) AS part_net FROM line
  ), floored AS (
    SELECT w.*,
           CASE WHEN w.part_net = 0 THEN 0
                ELSE div(w.part_order_discount::numeric * w.net, w.part_net)::bigint END AS od_floor,
           CASE WHEN w.part_net = 0 THEN 0
                ELSE mod(w.part_order_discount::numeric * w.net, w.part_net) END AS od_remainder
    FROM weighed w
  )
  SELECT f.id, f.order_id, f.part_id, f.shop_id, f.product_id, f.category_id, f.buyer_id, f.hour, f.state,
         f.quantity, f.gross, f.line_discount,
         f.od_floor + CASE WHEN row_number() OVER (PARTITION BY f.part_id ORDER BY f.od_remainder DESC, f.id)
                               <= f.part_order_discount - sum(f.od_floor) OVER (PARTITION BY f.part_id)
                          THEN 1 ELSE 0 END
  FROM floored f
$$;
