-- stats_line_figures (0033) joined each line to its part and its order by primary key, line by line:
-- for a buyer's year (~5,000 lines of ~600 orders, ~1,250 parts) some 40,000 buffer hits of index
-- lookups. The same figures, with the given orders and their parts read once each (by primary key and
-- by order_parts_order_shop_key) and joined to the lines by hash; only the category as sold is still
-- looked up per line. Same columns, same rule (stats_contribution's): see 0033.
CREATE OR REPLACE FUNCTION stats_line_figures(p_orders int[])
RETURNS TABLE (id int, order_id int, part_id int, shop_id int, product_id int, category_id int, buyer_id int,
               hour timestamptz, state text, quantity int, gross bigint, line_discount bigint, order_discount bigint)
LANGUAGE sql STABLE AS $$
  WITH ord AS MATERIALIZED (
    SELECT o.id, o.user_id, date_trunc('hour', o.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour
    FROM orders o WHERE o.id = ANY (p_orders)
  ), part AS MATERIALIZED (
    SELECT p.id, p.state, round(p.order_discount * 100)::bigint AS part_order_discount
    FROM order_parts p WHERE p.order_id = ANY (p_orders)
  ), line AS (
    SELECT l.id, l.order_id, l.part_id, l.shop_id, l.product_id, COALESCE(c.category_id, 0) AS category_id,
           o.user_id AS buyer_id, o.hour, p.state, p.part_order_discount, l.quantity,
           round(l.amount * 100)::bigint AS gross, round(l.discount * 100)::bigint AS line_discount,
           round(l.total * 100)::bigint AS net
    FROM order_lines l
    JOIN part p ON p.id = l.part_id
    JOIN ord o ON o.id = l.order_id
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
