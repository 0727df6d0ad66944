ALTER TABLE "offers" ADD COLUMN "import_hash" text;--> statement-breakpoint
-- An offer changed by any writer but the import (staff merging products or characteristics, a
-- tool, psql) no longer matches the row it was imported from: its digest is dropped, so the next
-- import compares it in full. Stock is not part of the digest (checkouts change it; the import
-- compares it as it is), so a checkout never gets here.
CREATE FUNCTION catalog_offer_forget_import_hash() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.import_hash := NULL;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER offers_forget_import_hash
BEFORE UPDATE ON offers
FOR EACH ROW WHEN (OLD.import_hash IS NOT NULL AND NEW.import_hash IS NOT DISTINCT FROM OLD.import_hash
  AND (NEW.external_id, NEW.product_id, NEW.category_id, NEW.product_name_key, NEW.model, NEW.name,
       NEW.price, NEW.price_rrc, NEW.parameters, NEW.facet_keys)
    IS DISTINCT FROM (OLD.external_id, OLD.product_id, OLD.category_id, OLD.product_name_key, OLD.model, OLD.name,
       OLD.price, OLD.price_rrc, OLD.parameters, OLD.facet_keys))
EXECUTE FUNCTION catalog_offer_forget_import_hash();
