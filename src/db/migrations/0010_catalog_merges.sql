ALTER TABLE "categories" ADD COLUMN "merged_into_id" integer;--> statement-breakpoint
ALTER TABLE "parameters" ADD COLUMN "merged_into_id" integer;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "merged_into_id" integer;--> statement-breakpoint
ALTER TABLE "categories" ADD CONSTRAINT "categories_merged_into_id_categories_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "parameters" ADD CONSTRAINT "parameters_merged_into_id_parameters_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."parameters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_merged_into_id_products_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;