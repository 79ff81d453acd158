import { and, desc, eq, sql } from 'drizzle-orm';
import { type DbOrTx, queryRows } from '../client';
import { ledgerCheckpoints } from '../schema';

/**
 * One statement, so the heads and the checkpoint come from one snapshot even while writers run.
 * Root: sha256 over the sorted `subscriber_id:seq:hash` lines of the workspace's chain heads.
 */
export async function insertCheckpoint(database: DbOrTx, workspaceId: string) {
  const [row] = await queryRows<{
    id: number;
    root_hash: string;
    subscriber_count: number;
    event_count: number;
  }>(
    database,
    sql`
    with heads as (
      select id, last_seq, head_hash from subscribers where workspace_id = ${workspaceId} and last_seq > 0
    ), cp as (
      insert into ledger_checkpoints (workspace_id, subscriber_count, event_count, root_hash)
      select ${workspaceId}, count(*), coalesce(sum(last_seq), 0),
        encode(sha256(convert_to(coalesce(
          string_agg(id::text || ':' || last_seq || ':' || head_hash, E'\n' order by id::text), ''), 'UTF8')), 'hex')
      from heads
      returning id, root_hash, subscriber_count, event_count
    ), ins as (
      insert into ledger_checkpoint_heads (checkpoint_id, subscriber_id, seq, hash)
      select cp.id, heads.id, heads.last_seq, heads.head_hash from cp, heads
    )
    select * from cp`,
  );
  if (!row) throw new Error('checkpoint was not written');
  return {
    id: Number(row.id),
    rootHash: row.root_hash,
    subscriberCount: Number(row.subscriber_count),
    eventCount: Number(row.event_count),
  };
}

export function latestCheckpoint(database: DbOrTx, workspaceId: string) {
  return database
    .select()
    .from(ledgerCheckpoints)
    .where(eq(ledgerCheckpoints.workspaceId, workspaceId))
    .orderBy(desc(ledgerCheckpoints.id))
    .limit(1)
    .then((rows) => rows[0]);
}

/**
 * Checks a checkpoint against today's ledger: its root over its recorded heads, and each head
 * still the event the chain holds at that sequence number. Returns the problems found.
 */
export async function checkpointProblems(
  database: DbOrTx,
  workspaceId: string,
  checkpointId: number,
) {
  const [root] = await queryRows<{ root: string }>(
    database,
    sql`select encode(sha256(convert_to(coalesce(
          string_agg(subscriber_id::text || ':' || seq || ':' || hash, E'\n' order by subscriber_id::text), ''), 'UTF8')), 'hex') as root
        from ledger_checkpoint_heads where checkpoint_id = ${checkpointId}`,
  );
  const [cp] = await database
    .select({ rootHash: ledgerCheckpoints.rootHash })
    .from(ledgerCheckpoints)
    .where(
      and(eq(ledgerCheckpoints.workspaceId, workspaceId), eq(ledgerCheckpoints.id, checkpointId)),
    );
  const missing = await queryRows<{ subscriber_id: string; seq: number }>(
    database,
    sql`select h.subscriber_id, h.seq from ledger_checkpoint_heads h
        left join consent_events e on e.subscriber_id = h.subscriber_id and e.seq = h.seq and e.workspace_id = ${workspaceId}
        where h.checkpoint_id = ${checkpointId} and (e.hash is null or e.hash <> h.hash)`,
  );
  const problems: string[] = [];
  if (!cp || cp.rootHash !== root?.root)
    problems.push(`checkpoint ${checkpointId}: root does not match its heads`);
  for (const m of missing)
    problems.push(
      `checkpoint ${checkpointId}: head ${m.subscriber_id}#${m.seq} is not in the ledger`,
    );
  return problems;
}
