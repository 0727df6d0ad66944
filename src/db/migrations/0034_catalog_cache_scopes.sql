-- Scoped invalidation of the catalog read cache (catalog/read-cache.ts). An import's apply no longer
-- bumps the catalog revision (migration 0021) for what it writes to offers and their products: it
-- adds one to the "imports" revision and one change to each scope it touched (its shop, the
-- categories of its offers before and after, the products whose offers changed). A cached answer
-- that depends on none of those scopes stays valid. Anything else such a transaction writes (a new
-- product, category, characteristic or search word, the shop's row, a characteristic's kind) still
-- bumps the catalog revision, as does every write outside an import's apply.
ALTER TABLE "catalog_revision" ADD COLUMN "imports" bigint DEFAULT 0 NOT NULL;
--> statement-breakpoint
-- Append-only: a scope's change count is the sum of its rows, so concurrent imports only insert and
-- never wait on each other (nor checkouts on them). An import folds the rows of the scopes it
-- touched into one row each (catalog_record_scopes), preserving the sums.
CREATE TABLE "catalog_scope_changes" (
	"scope" text NOT NULL,
	"changes" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "catalog_scope_changes_scope_idx" ON "catalog_scope_changes" ("scope") INCLUDE ("changes");
--> statement-breakpoint
-- One more change on a shard no other writer holds (as in 0021), once per transaction.
CREATE FUNCTION catalog_revision_add() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('zakupka.catalog_changed', true) = 'on' THEN
    RETURN;
  END IF;
  UPDATE catalog_revision SET changes = changes + 1
  WHERE shard = (SELECT shard FROM catalog_revision ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED);
  IF NOT FOUND THEN
    UPDATE catalog_revision SET changes = changes + 1 WHERE shard = 0;
  END IF;
  PERFORM set_config('zakupka.catalog_changed', 'on', true);
END
$$;
--> statement-breakpoint
-- The statement triggers of 0021: a transaction in an import's apply (`zakupka.catalog_scoped`)
-- records its scopes itself; its writes outside the offer tables are caught row by row below.
CREATE OR REPLACE FUNCTION catalog_revision_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('zakupka.catalog_changed', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF current_setting('zakupka.catalog_scoped', true) = 'on' AND TG_OP <> 'TRUNCATE' THEN
    RETURN NULL;
  END IF;
  PERFORM catalog_revision_add();
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- In an import's apply, a row actually written to a table outside its scopes bumps the catalog
-- revision (a statement that wrote no row, such as `insert ... on conflict do nothing` of known
-- categories, fires no row trigger). The triggers' WHEN keeps every other row (outside an apply, or
-- once the revision moved: a first import's many new products) from calling the function at all.
CREATE FUNCTION catalog_revision_bump_unscoped() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('zakupka.catalog_scoped', true) = 'on' THEN
    PERFORM catalog_revision_add();
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DO $$
DECLARE
  catalog_table text;
BEGIN
  FOREACH catalog_table IN ARRAY ARRAY['shops', 'categories', 'shop_categories', 'parameters', 'search_words',
                                      'search_synonyms'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW '
                   'WHEN (current_setting(''zakupka.catalog_scoped'', true) = ''on'' '
                   'AND current_setting(''zakupka.catalog_changed'', true) IS DISTINCT FROM ''on'') '
                   'EXECUTE FUNCTION catalog_revision_bump_unscoped()',
                   catalog_table || '_catalog_unscoped', catalog_table);
  END LOOP;
END
$$;
--> statement-breakpoint
-- A new product (or one deleted) is outside the scopes; the summary refresh of existing ones is not.
CREATE TRIGGER products_catalog_unscoped AFTER INSERT OR DELETE ON products FOR EACH ROW
WHEN (current_setting('zakupka.catalog_scoped', true) = 'on'
      AND current_setting('zakupka.catalog_changed', true) IS DISTINCT FROM 'on')
EXECUTE FUNCTION catalog_revision_bump_unscoped();
--> statement-breakpoint
-- Offers are never deleted; one deleted in an import's apply is outside the scopes.
CREATE TRIGGER offers_catalog_unscoped AFTER DELETE ON offers FOR EACH ROW
WHEN (current_setting('zakupka.catalog_scoped', true) = 'on'
      AND current_setting('zakupka.catalog_changed', true) IS DISTINCT FROM 'on')
EXECUTE FUNCTION catalog_revision_bump_unscoped();
--> statement-breakpoint
-- The end of an import's apply: its scopes recorded. When the transaction already bumped the
-- catalog revision, every cached answer goes anyway and nothing is recorded. Otherwise one more
-- import on a free shard, one change per scope; then, if no other import is folding now (a try
-- lock: nobody waits), the rows of these scopes are folded into one each, sums unchanged.
CREATE FUNCTION catalog_record_scopes(scopes text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('zakupka.catalog_changed', true) = 'on' THEN
    RETURN;
  END IF;
  UPDATE catalog_revision SET imports = imports + 1
  WHERE shard = (SELECT shard FROM catalog_revision ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED);
  IF NOT FOUND THEN
    UPDATE catalog_revision SET imports = imports + 1 WHERE shard = 0;
  END IF;
  INSERT INTO catalog_scope_changes (scope, changes) SELECT DISTINCT unnest(scopes), 1;
  IF pg_try_advisory_xact_lock(7311034, 0) THEN
    WITH folded AS (
      DELETE FROM catalog_scope_changes WHERE scope = ANY(scopes) RETURNING scope, changes
    )
    INSERT INTO catalog_scope_changes (scope, changes) SELECT scope, sum(changes) FROM folded GROUP BY scope;
  END IF;
END
$$;
