CREATE TABLE "link_visits" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "link_visits_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" uuid NOT NULL,
	"subscriber_id" uuid NOT NULL,
	"page" text NOT NULL,
	"category_id" uuid,
	"channel" text,
	"link_issued_at" timestamp (3) with time zone,
	"scanner_agent" boolean DEFAULT false NOT NULL,
	"visited_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "link_visits_workspace_idx" ON "link_visits" USING btree ("workspace_id","visited_at");--> statement-breakpoint
CREATE INDEX "link_visits_subscriber_idx" ON "link_visits" USING btree ("subscriber_id");