ALTER TABLE "offers" ADD COLUMN "product_name_key" text;--> statement-breakpoint
UPDATE "offers" o SET "product_name_key" = p."normalized_name" FROM "products" p WHERE p."id" = o."product_id";--> statement-breakpoint
-- Writers that leave the product's copies out (or move an offer to another product without
-- giving them) get the product's category and normalised name. The import sets both itself.
CREATE OR REPLACE FUNCTION catalog_offer_category() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT category_id, normalized_name INTO NEW.category_id, NEW.product_name_key
  FROM products WHERE id = NEW.product_id;
  RETURN NEW;
END
$$;
--> statement-breakpoint
DROP TRIGGER offers_category_on_insert ON offers;--> statement-breakpoint
CREATE TRIGGER offers_category_on_insert
BEFORE INSERT ON offers
FOR EACH ROW WHEN (NEW.category_id IS NULL OR NEW.product_name_key IS NULL)
EXECUTE FUNCTION catalog_offer_category();
--> statement-breakpoint
DROP TRIGGER offers_category_on_move ON offers;--> statement-breakpoint
CREATE TRIGGER offers_category_on_move
BEFORE UPDATE OF product_id ON offers
FOR EACH ROW WHEN (NEW.product_id IS DISTINCT FROM OLD.product_id
  AND (NEW.category_id IS NOT DISTINCT FROM OLD.category_id OR NEW.product_name_key IS NOT DISTINCT FROM OLD.product_name_key))
EXECUTE FUNCTION catalog_offer_category();
--> statement-breakpoint
-- A category's visible offers in product-name order, carrying what a list row needs: a name-sorted
-- category list with characteristic, stock or price filters groups the first offers of this range
-- into its page and stops there.
CREATE INDEX "offers_active_category_name_covering_idx" ON "offers" USING btree ("category_id", "product_name_key", "product_id") INCLUDE ("price", "shop_id", "quantity", "facet_keys") WHERE "is_active";
