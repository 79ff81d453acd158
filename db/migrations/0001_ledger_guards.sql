-- The ledger is append-only: the database itself refuses to change or remove what was written.
CREATE OR REPLACE FUNCTION dial_refuse_ledger_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'dial: % on % is refused: the consent ledger is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER consent_events_no_update_delete BEFORE UPDATE OR DELETE ON consent_events
  FOR EACH ROW EXECUTE FUNCTION dial_refuse_ledger_change();
--> statement-breakpoint
CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON consent_events
  FOR EACH STATEMENT EXECUTE FUNCTION dial_refuse_ledger_change();
--> statement-breakpoint
CREATE TRIGGER ledger_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON ledger_checkpoints
  FOR EACH ROW EXECUTE FUNCTION dial_refuse_ledger_change();
--> statement-breakpoint
CREATE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON ledger_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION dial_refuse_ledger_change();
--> statement-breakpoint
CREATE TRIGGER ledger_checkpoint_heads_no_update_delete BEFORE UPDATE OR DELETE ON ledger_checkpoint_heads
  FOR EACH ROW EXECUTE FUNCTION dial_refuse_ledger_change();
--> statement-breakpoint
CREATE TRIGGER ledger_checkpoint_heads_no_truncate BEFORE TRUNCATE ON ledger_checkpoint_heads
  FOR EACH STATEMENT EXECUTE FUNCTION dial_refuse_ledger_change();
