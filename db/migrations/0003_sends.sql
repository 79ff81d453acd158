CREATE TABLE "sends" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"subscriber_id" uuid NOT NULL,
	"category_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"sent_at" timestamp (3) with time zone NOT NULL,
	"message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sends_last_idx" ON "sends" USING btree ("workspace_id","category_id","channel","subscriber_id","sent_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "sends_message_id_idx" ON "sends" USING btree ("workspace_id","message_id") WHERE "sends"."message_id" is not null;--> statement-breakpoint
CREATE INDEX "sends_subscriber_idx" ON "sends" USING btree ("subscriber_id");