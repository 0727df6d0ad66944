CREATE TABLE "users" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"first_name" text DEFAULT '' NOT NULL,
	"last_name" text DEFAULT '' NOT NULL,
	"company" text DEFAULT '' NOT NULL,
	"position" text DEFAULT '' NOT NULL,
	"role" text NOT NULL,
	"email_confirmed_at" timestamp with time zone,
	"is_active" boolean DEFAULT true NOT NULL,
	"phone" text,
	"preferred_language" text DEFAULT 'ru' NOT NULL,
	"legal_name" text,
	"inn" text,
	"kpp" text,
	"ogrn" text,
	"bank_bik" text,
	"settlement_account" text,
	"correspondent_account" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_role_check" CHECK ("users"."role" in ('buyer', 'supplier', 'staff')),
	CONSTRAINT "users_language_check" CHECK ("users"."preferred_language" in ('ru', 'en')),
	CONSTRAINT "users_email_lower_check" CHECK ("users"."email" = lower("users"."email"))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree ("email");--> statement-breakpoint
CREATE INDEX "users_created_at_idx" ON "users" USING btree ("created_at");