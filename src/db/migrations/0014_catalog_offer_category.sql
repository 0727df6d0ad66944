-- offers.category_id: the product's category, so that category + price filters are one index range.
ALTER TABLE "offers" ADD COLUMN "category_id" integer;--> statement-breakpoint
UPDATE "offers" o SET "category_id" = p."category_id" FROM "products" p WHERE p."id" = o."product_id";--> statement-breakpoint
CREATE INDEX "offers_active_category_price_idx" ON "offers" USING btree ("category_id","price") WHERE "offers"."is_active";--> statement-breakpoint
-- Writers that leave category_id out (or move an offer to another product without saying) get the
-- product's category. The import and category merges set it themselves and skip this.
CREATE FUNCTION catalog_offer_category() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT category_id INTO NEW.category_id FROM products WHERE id = NEW.product_id;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER offers_category_on_insert
BEFORE INSERT ON offers
FOR EACH ROW WHEN (NEW.category_id IS NULL)
EXECUTE FUNCTION catalog_offer_category();
--> statement-breakpoint
CREATE TRIGGER offers_category_on_move
BEFORE UPDATE OF product_id ON offers
FOR EACH ROW WHEN (NEW.product_id IS DISTINCT FROM OLD.product_id AND NEW.category_id IS NOT DISTINCT FROM OLD.category_id)
EXECUTE FUNCTION catalog_offer_category();
