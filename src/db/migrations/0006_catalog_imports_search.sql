CREATE TABLE "import_files" (
	"import_id" integer PRIMARY KEY NOT NULL,
	"content" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_issues" (
	"import_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"row" integer NOT NULL,
	"line" integer,
	"good_id" text,
	"field" text,
	"severity" text NOT NULL,
	"code" text NOT NULL,
	"message" jsonb NOT NULL,
	CONSTRAINT "import_issues_import_id_seq_pk" PRIMARY KEY("import_id","seq")
);
--> statement-breakpoint
CREATE TABLE "imports" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "imports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"shop_id" integer NOT NULL,
	"requested_by" integer,
	"source" text NOT NULL,
	"url" text,
	"file_name" text,
	"mode" text DEFAULT 'lenient' NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"phase" text,
	"total_rows" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL,
	"deactivated" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"size_bytes" bigint,
	"shop_renamed_from" text,
	"shop_renamed_to" text,
	"error_code" text,
	"error_message" jsonb,
	"timings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "imports_status_check" CHECK ("imports"."status" in ('queued', 'running', 'succeeded', 'failed')),
	CONSTRAINT "imports_source_check" CHECK ("imports"."source" in ('url', 'upload', 'cli', 'schedule')),
	CONSTRAINT "imports_mode_check" CHECK ("imports"."mode" in ('lenient', 'strict')),
	CONSTRAINT "imports_progress_check" CHECK ("imports"."progress" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "export_files" (
	"export_id" integer PRIMARY KEY NOT NULL,
	"content" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exports" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "exports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"shop_id" integer NOT NULL,
	"requested_by" integer,
	"format" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"row_count" integer,
	"size_bytes" bigint,
	"error_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "exports_format_check" CHECK ("exports"."format" in ('yaml', 'csv', 'json')),
	CONSTRAINT "exports_status_check" CHECK ("exports"."status" in ('queued', 'running', 'succeeded', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "search_words" (
	"word" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
DROP INDEX "offer_parameters_parameter_value_idx";--> statement-breakpoint
ALTER TABLE "offer_parameters" ADD COLUMN "value_key" text NOT NULL;--> statement-breakpoint
ALTER TABLE "parameters" ADD COLUMN "kind_fixed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "offer_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "min_price" numeric(14, 2);--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "max_price" numeric(14, 2);--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "in_stock" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "in_stock_min_price" numeric(14, 2);--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "search_vector" "tsvector" DEFAULT ''::tsvector NOT NULL;--> statement-breakpoint
ALTER TABLE "import_files" ADD CONSTRAINT "import_files_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_issues" ADD CONSTRAINT "import_issues_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "export_files" ADD CONSTRAINT "export_files_export_id_exports_id_fk" FOREIGN KEY ("export_id") REFERENCES "public"."exports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exports" ADD CONSTRAINT "exports_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exports" ADD CONSTRAINT "exports_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "imports_shop_idx" ON "imports" USING btree ("shop_id","id");--> statement-breakpoint
CREATE INDEX "exports_shop_idx" ON "exports" USING btree ("shop_id","id");--> statement-breakpoint
CREATE INDEX "search_words_trgm_idx" ON "search_words" USING gin ("word" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "offer_parameters_parameter_key_idx" ON "offer_parameters" USING btree ("parameter_id","value_key","offer_id");--> statement-breakpoint
CREATE INDEX "offer_parameters_parameter_number_idx" ON "offer_parameters" USING btree ("parameter_id","value_number","offer_id");--> statement-breakpoint
CREATE INDEX "offers_active_shop_idx" ON "offers" USING btree ("shop_id","id") WHERE "offers"."is_active";--> statement-breakpoint
CREATE INDEX "products_visible_name_idx" ON "products" USING btree ("normalized_name","id") WHERE "products"."offer_count" > 0;--> statement-breakpoint
CREATE INDEX "products_visible_category_name_idx" ON "products" USING btree ("category_id","normalized_name","id") WHERE "products"."offer_count" > 0;--> statement-breakpoint
CREATE INDEX "products_visible_price_idx" ON "products" USING btree ("min_price","id") WHERE "products"."offer_count" > 0;--> statement-breakpoint
CREATE INDEX "products_visible_category_price_idx" ON "products" USING btree ("category_id","min_price","id") WHERE "products"."offer_count" > 0;--> statement-breakpoint
CREATE INDEX "products_in_stock_price_idx" ON "products" USING btree ("in_stock_min_price","id") WHERE "products"."in_stock";--> statement-breakpoint
CREATE INDEX "products_visible_new_idx" ON "products" USING btree ("id") WHERE "products"."offer_count" > 0;--> statement-breakpoint
CREATE INDEX "products_search_idx" ON "products" USING gin ("search_vector");