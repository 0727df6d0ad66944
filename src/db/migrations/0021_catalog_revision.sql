CREATE TABLE "catalog_revision" (
	"shard" smallint PRIMARY KEY NOT NULL,
	"changes" bigint DEFAULT 0 NOT NULL,
	"epoch" uuid NOT NULL
);
--> statement-breakpoint
-- 32 shards, one epoch: a database made anew (or restored) never repeats an old revision.
INSERT INTO "catalog_revision" ("shard", "changes", "epoch")
SELECT g, 0, e.epoch FROM generate_series(0, 31) g, (SELECT gen_random_uuid() AS epoch) e;
--> statement-breakpoint
-- Once per transaction that writes a catalog table: one more change on a shard no other writer
-- holds (SKIP LOCKED: a long import keeps its shard locked until it commits, and nobody waits on
-- it). The revision a reader sees rises exactly when such a transaction commits.
CREATE FUNCTION catalog_revision_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('zakupka.catalog_changed', true) = 'on' THEN
    RETURN NULL;
  END IF;
  UPDATE catalog_revision SET changes = changes + 1
  WHERE shard = (SELECT shard FROM catalog_revision ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED);
  IF NOT FOUND THEN
    UPDATE catalog_revision SET changes = changes + 1 WHERE shard = 0;
  END IF;
  PERFORM set_config('zakupka.catalog_changed', 'on', true);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- On every table the public catalog reads.
DO $$
DECLARE
  catalog_table text;
BEGIN
  FOREACH catalog_table IN ARRAY ARRAY['shops', 'categories', 'shop_categories', 'products', 'product_search',
                                      'offers', 'parameters', 'offer_parameters', 'search_words'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION catalog_revision_bump()',
                   catalog_table || '_catalog_revision', catalog_table);
  END LOOP;
END
$$;
