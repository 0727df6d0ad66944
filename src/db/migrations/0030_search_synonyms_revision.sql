-- Synonyms change what catalog search and facets answer: a write to them is a catalog change, so the
-- read cache (catalog/read-cache.ts) drops every answer built before it (see migration 0021).
CREATE TRIGGER search_synonyms_catalog_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON search_synonyms
FOR EACH STATEMENT EXECUTE FUNCTION catalog_revision_bump();
--> statement-breakpoint
-- Words buyers type that name no good in the catalog's own words; staff edit these at
-- /api/v2/admin/synonyms. (Brand names typed in the other alphabet need none: search transliterates.)
INSERT INTO search_synonyms (term, synonyms) VALUES
  ('айфон', '{iphone}'),
  ('айпад', '{ipad}'),
  ('флешка', '{flash,"usb накопитель"}'),
  ('ноут', '{ноутбук,laptop}'),
  ('мобильник', '{смартфон,телефон}'),
  ('сотовый', '{смартфон,телефон}');
