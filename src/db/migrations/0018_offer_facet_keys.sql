ALTER TABLE "offers" ADD COLUMN "facet_keys" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
-- Offers' facet keys recomputed from their values: "<parameter id>:<value key>" in parameter id
-- order (one value per parameter). The import writes the same keys itself; staff merges call this.
CREATE FUNCTION catalog_refresh_offer_facet_keys(ids integer[]) RETURNS void
LANGUAGE sql VOLATILE AS $$
  UPDATE offers o
  SET facet_keys = coalesce((
    SELECT array_agg(op.parameter_id::text || ':' || op.value_key ORDER BY op.parameter_id)
    FROM offer_parameters op WHERE op.offer_id = o.id
  ), '{}')
  WHERE o.id = ANY(ids);
$$;
--> statement-breakpoint
SELECT catalog_refresh_offer_facet_keys(array(SELECT id FROM offers));--> statement-breakpoint
-- The category's covering index carries the facet keys: facets and value filters within a category
-- read only this index.
DROP INDEX "offers_active_category_covering_idx";--> statement-breakpoint
CREATE INDEX "offers_active_category_covering_idx" ON "offers" USING btree ("category_id", "price") INCLUDE ("product_id", "shop_id", "quantity", "facet_keys") WHERE "is_active";
