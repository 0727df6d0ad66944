CREATE TABLE "product_search" (
	"product_id" integer PRIMARY KEY NOT NULL,
	"search_vector" "tsvector" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "offer_parameters" DROP CONSTRAINT "offer_parameters_offer_id_offers_id_fk";
--> statement-breakpoint
ALTER TABLE "offer_parameters" DROP CONSTRAINT "offer_parameters_parameter_id_parameters_id_fk";
--> statement-breakpoint
DROP INDEX "offer_parameters_parameter_number_idx";--> statement-breakpoint
DROP INDEX "products_visible_category_name_idx";--> statement-breakpoint
DROP INDEX "products_visible_category_price_idx";--> statement-breakpoint
DROP INDEX "products_visible_new_idx";--> statement-breakpoint
DROP INDEX "products_search_idx";--> statement-breakpoint
CREATE INDEX "product_search_vector_idx" ON "product_search" USING gin ("search_vector");--> statement-breakpoint
ALTER TABLE "products" DROP COLUMN "search_vector";