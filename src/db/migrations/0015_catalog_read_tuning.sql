DROP INDEX "offers_active_category_price_idx";--> statement-breakpoint
-- Category and price filters read only this index (no visit to the offer rows).
CREATE INDEX "offers_active_category_covering_idx" ON "offers" USING btree ("category_id", "price") INCLUDE ("product_id", "shop_id", "quantity") WHERE "is_active";--> statement-breakpoint
-- The catalog's reads are many small concurrent queries. A parallel scan looks cheaper to the
-- planner on paper (it divides the cost by the workers) but on a busy server it takes cores from
-- the other requests and is slower than the index it skipped; these tables are never scanned in
-- parallel.
ALTER TABLE "products" SET (parallel_workers = 0);--> statement-breakpoint
ALTER TABLE "product_search" SET (parallel_workers = 0);--> statement-breakpoint
ALTER TABLE "offers" SET (parallel_workers = 0);--> statement-breakpoint
ALTER TABLE "offer_parameters" SET (parallel_workers = 0);
