CREATE TABLE "stats_line_categories" (
	"line_id" integer PRIMARY KEY NOT NULL,
	"category_id" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stats_rollups" (
	"family" text NOT NULL,
	"grain" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"shop_id" integer NOT NULL,
	"group_id" integer NOT NULL,
	"state" text NOT NULL,
	"lines" integer DEFAULT 0 NOT NULL,
	"units" bigint DEFAULT 0 NOT NULL,
	"gross" bigint DEFAULT 0 NOT NULL,
	"line_discount" bigint DEFAULT 0 NOT NULL,
	"order_discount" bigint DEFAULT 0 NOT NULL,
	"parts" integer DEFAULT 0 NOT NULL,
	"orders" integer DEFAULT 0 NOT NULL,
	"revenue" bigint GENERATED ALWAYS AS (gross - line_discount - order_discount) STORED,
	CONSTRAINT "stats_rollups_family_grain_bucket_shop_id_group_id_state_pk" PRIMARY KEY("family","grain","bucket","shop_id","group_id","state")
);
--> statement-breakpoint
CREATE TABLE "stats_sales_deltas" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "stats_sales_deltas_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"family" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"shop_id" integer NOT NULL,
	"group_id" integer NOT NULL,
	"state" text NOT NULL,
	"lines" integer DEFAULT 0 NOT NULL,
	"units" bigint DEFAULT 0 NOT NULL,
	"gross" bigint DEFAULT 0 NOT NULL,
	"line_discount" bigint DEFAULT 0 NOT NULL,
	"order_discount" bigint DEFAULT 0 NOT NULL,
	"parts" integer DEFAULT 0 NOT NULL,
	"orders" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX "stats_rollups_shop_idx" ON "stats_rollups" USING btree ("family","grain","shop_id","bucket");--> statement-breakpoint
CREATE INDEX "stats_rollups_group_idx" ON "stats_rollups" USING btree ("family","grain","group_id","bucket");--> statement-breakpoint
CREATE INDEX "stats_rollups_rank_idx" ON "stats_rollups" USING btree ("family","grain","bucket","shop_id","state","revenue" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "stats_sales_deltas_family_hour_idx" ON "stats_sales_deltas" USING btree ("family","hour");