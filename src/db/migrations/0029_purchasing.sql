CREATE TABLE "search_synonyms" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "search_synonyms_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"term" text NOT NULL,
	"synonyms" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "search_synonyms_count_check" CHECK (cardinality("search_synonyms"."synonyms") between 1 and 20)
);
--> statement-breakpoint
CREATE TABLE "shopping_list_lines" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "shopping_list_lines_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"list_id" integer NOT NULL,
	"product_id" integer NOT NULL,
	"quantity" integer NOT NULL,
	"preferred_shop_id" integer,
	CONSTRAINT "shopping_list_lines_quantity_check" CHECK ("shopping_list_lines"."quantity" between 1 and 10000)
);
--> statement-breakpoint
CREATE TABLE "shopping_lists" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "shopping_lists_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" integer NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "standing_order_runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "standing_order_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"standing_order_id" integer NOT NULL,
	"slot" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"order_id" integer,
	"basket_id" integer,
	"skipped" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"ran_at" timestamp with time zone NOT NULL,
	CONSTRAINT "standing_order_runs_status_check" CHECK ("standing_order_runs"."status" in ('placed', 'prepared', 'failed', 'missed'))
);
--> statement-breakpoint
CREATE TABLE "standing_orders" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "standing_orders_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" integer NOT NULL,
	"list_id" integer NOT NULL,
	"contact_id" integer NOT NULL,
	"mode" text NOT NULL,
	"weekdays" smallint[],
	"every_days" integer,
	"starts_on" date NOT NULL,
	"local_time" text NOT NULL,
	"time_zone" text DEFAULT 'Europe/Moscow' NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"next_slot_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "standing_orders_mode_check" CHECK ("standing_orders"."mode" in ('place', 'prepare')),
	CONSTRAINT "standing_orders_schedule_check" CHECK (("standing_orders"."weekdays" is not null and cardinality("standing_orders"."weekdays") between 1 and 7
           and "standing_orders"."weekdays" <@ '{1,2,3,4,5,6,7}'::smallint[] and "standing_orders"."every_days" is null)
          or ("standing_orders"."weekdays" is null and "standing_orders"."every_days" between 1 and 365)),
	CONSTRAINT "standing_orders_local_time_check" CHECK ("standing_orders"."local_time" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')
);
--> statement-breakpoint
ALTER TABLE "shops" ADD COLUMN "min_order_amount" numeric(14, 2);--> statement-breakpoint
ALTER TABLE "shops" ADD COLUMN "delivery_days" smallint[] DEFAULT '{1,2,3,4,5,6,7}'::smallint[] NOT NULL;--> statement-breakpoint
ALTER TABLE "shops" ADD COLUMN "lead_time_days" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "shops" ADD COLUMN "order_cutoff" text;--> statement-breakpoint
ALTER TABLE "shops" ADD COLUMN "time_zone" text DEFAULT 'Europe/Moscow' NOT NULL;--> statement-breakpoint
ALTER TABLE "order_parts" ADD COLUMN "promised_delivery_date" date;--> statement-breakpoint
ALTER TABLE "shopping_list_lines" ADD CONSTRAINT "shopping_list_lines_list_id_shopping_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."shopping_lists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shopping_list_lines" ADD CONSTRAINT "shopping_list_lines_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shopping_list_lines" ADD CONSTRAINT "shopping_list_lines_preferred_shop_id_shops_id_fk" FOREIGN KEY ("preferred_shop_id") REFERENCES "public"."shops"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shopping_lists" ADD CONSTRAINT "shopping_lists_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "standing_order_runs" ADD CONSTRAINT "standing_order_runs_standing_order_id_standing_orders_id_fk" FOREIGN KEY ("standing_order_id") REFERENCES "public"."standing_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "standing_order_runs" ADD CONSTRAINT "standing_order_runs_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "standing_orders" ADD CONSTRAINT "standing_orders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "standing_orders" ADD CONSTRAINT "standing_orders_list_id_shopping_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."shopping_lists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "standing_orders" ADD CONSTRAINT "standing_orders_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "search_synonyms_term_key" ON "search_synonyms" USING btree ("term");--> statement-breakpoint
CREATE UNIQUE INDEX "shopping_list_lines_list_product_key" ON "shopping_list_lines" USING btree ("list_id","product_id");--> statement-breakpoint
CREATE INDEX "shopping_lists_user_idx" ON "shopping_lists" USING btree ("user_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "standing_order_runs_slot_key" ON "standing_order_runs" USING btree ("standing_order_id","slot");--> statement-breakpoint
CREATE INDEX "standing_orders_user_idx" ON "standing_orders" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "standing_orders_due_idx" ON "standing_orders" USING btree ("next_slot_at") WHERE not "standing_orders"."paused";--> statement-breakpoint
ALTER TABLE "shops" ADD CONSTRAINT "shops_min_order_amount_check" CHECK ("shops"."min_order_amount" is null or "shops"."min_order_amount" >= 0);--> statement-breakpoint
ALTER TABLE "shops" ADD CONSTRAINT "shops_delivery_days_check" CHECK (cardinality("shops"."delivery_days") between 1 and 7 and "shops"."delivery_days" <@ '{1,2,3,4,5,6,7}'::smallint[]);--> statement-breakpoint
ALTER TABLE "shops" ADD CONSTRAINT "shops_lead_time_days_check" CHECK ("shops"."lead_time_days" between 0 and 365);--> statement-breakpoint
ALTER TABLE "shops" ADD CONSTRAINT "shops_order_cutoff_check" CHECK ("shops"."order_cutoff" is null or "shops"."order_cutoff" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$');