import { and, eq, sql } from 'drizzle-orm';
import { type DbOrTx, queryRows } from '../client';
import { type OutboxJob, outbox } from '../schema';

type RawJob = {
  id: string;
  workspace_id: string | null;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
};

/**
 * Claims due jobs with a lease: `for update skip locked` keeps concurrent workers off each
 * other's rows, and the lease (committed at once) keeps them off while the I/O runs outside any
 * transaction. A job whose worker died is claimed again when its lease runs out.
 */
export async function claimJobs(
  database: DbOrTx,
  input: {
    kinds: string[];
    limit: number;
    leaseMs: number;
    workerId: string;
    /** Only these workspaces' jobs (tests sharing one database each drive their own). */
    workspaceIds?: string[];
  },
) {
  if (input.kinds.length === 0) return [];
  const kinds = `{${input.kinds.map((k) => `"${k}"`).join(',')}}`;
  const onlyWorkspaces = input.workspaceIds
    ? sql`and workspace_id = any(${`{${input.workspaceIds.join(',')}}`}::uuid[])`
    : sql``;
  const rows = await queryRows<RawJob>(
    database,
    sql`
    update outbox o set locked_until = now() + (${input.leaseMs} * interval '1 millisecond'),
      locked_by = ${input.workerId}, attempts = o.attempts + 1
    where o.id in (
      select id from outbox
      where status = 'pending' and run_at <= now() and kind = any(${kinds}::text[])
        and (locked_until is null or locked_until < now()) ${onlyWorkspaces}
      order by run_at
      limit ${input.limit}
      for update skip locked)
    returning o.id, o.workspace_id, o.kind, o.payload, o.attempts`,
  );
  return rows.map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    kind: r.kind,
    payload: r.payload,
    attempts: r.attempts,
  }));
}

/** Records success, only if this worker still holds the lease. */
export function markJobDone(database: DbOrTx, id: string, workerId: string) {
  return database
    .update(outbox)
    .set({ status: 'done', doneAt: sql`now()`, lockedUntil: null, lastError: null })
    .where(and(eq(outbox.id, id), eq(outbox.lockedBy, workerId)))
    .returning({ id: outbox.id });
}

export function markJobFailed(
  database: DbOrTx,
  input: { id: string; workerId: string; error: string; retryAt: Date | null },
) {
  return database
    .update(outbox)
    .set(
      input.retryAt
        ? { runAt: input.retryAt, lockedUntil: null, lastError: input.error }
        : { status: 'dead', lockedUntil: null, lastError: input.error },
    )
    .where(and(eq(outbox.id, input.id), eq(outbox.lockedBy, input.workerId)))
    .returning({ id: outbox.id });
}

export function insertJobs(database: DbOrTx, jobs: (typeof outbox.$inferInsert)[]) {
  return database.insert(outbox).values(jobs).returning({ id: outbox.id });
}

export function findJob(database: DbOrTx, id: string): Promise<OutboxJob | undefined> {
  return database
    .select()
    .from(outbox)
    .where(eq(outbox.id, id))
    .then((rows) => rows[0]);
}

export function listWorkspaceIds(database: DbOrTx) {
  return queryRows<{ id: string }>(database, sql`select id from workspaces order by id`);
}
