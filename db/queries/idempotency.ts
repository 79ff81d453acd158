import { and, eq, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { idempotencyKeys } from '../schema';

export function claimIdempotencyKey(
  database: DbOrTx,
  values: { workspaceId: string; key: string; requestHash: string },
) {
  return database
    .insert(idempotencyKeys)
    .values({ ...values, state: 'running' })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key })
    .then((rows) => rows.length > 0);
}

export function findIdempotencyKey(database: DbOrTx, workspaceId: string, key: string) {
  return database
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.workspaceId, workspaceId), eq(idempotencyKeys.key, key)))
    .then((rows) => rows[0]);
}

/** Takes over a claim whose holder died (still `running` long after it started). */
export function retakeStaleIdempotencyKey(
  database: DbOrTx,
  workspaceId: string,
  key: string,
  staleBefore: Date,
) {
  return database
    .update(idempotencyKeys)
    .set({ createdAt: sql`now()` })
    .where(
      and(
        eq(idempotencyKeys.workspaceId, workspaceId),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.state, 'running'),
        lt(idempotencyKeys.createdAt, staleBefore),
      ),
    )
    .returning({ key: idempotencyKeys.key })
    .then((rows) => rows.length > 0);
}

export function completeIdempotencyKey(
  database: DbOrTx,
  values: { workspaceId: string; key: string; status: number; body: unknown },
) {
  return database
    .update(idempotencyKeys)
    .set({ state: 'done', responseStatus: values.status, responseBody: values.body })
    .where(
      and(eq(idempotencyKeys.workspaceId, values.workspaceId), eq(idempotencyKeys.key, values.key)),
    );
}

export function releaseIdempotencyKey(database: DbOrTx, workspaceId: string, key: string) {
  return database
    .delete(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.workspaceId, workspaceId),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.state, 'running'),
      ),
    );
}
