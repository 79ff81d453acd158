import { and, asc, count, desc, eq, inArray, isNotNull, isNull, max, min, sql } from 'drizzle-orm';
import { type DbOrTx, queryRows, type Tx } from '../client';
import {
  categories,
  consentEvents,
  feedback,
  outbox,
  type WebhookEvent,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
} from '../schema';

/** Webhook endpoints, their deliveries and attempts. Every query is scoped by workspace. */

export function insertEndpoint(database: DbOrTx, values: typeof webhookEndpoints.$inferInsert) {
  return database
    .insert(webhookEndpoints)
    .values(values)
    .returning({ id: webhookEndpoints.id })
    .then((rows) => rows[0]);
}

export function countEndpoints(database: DbOrTx, workspaceId: string) {
  return database
    .select({ n: count() })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.workspaceId, workspaceId))
    .then((rows) => rows[0]?.n ?? 0);
}

const endpointView = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  events: webhookEndpoints.events,
  createdAt: webhookEndpoints.createdAt,
  disabledAt: webhookEndpoints.disabledAt,
  disabledReason: webhookEndpoints.disabledReason,
};

/** Without secrets. */
export function listEndpoints(database: DbOrTx, workspaceId: string) {
  return database
    .select(endpointView)
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.workspaceId, workspaceId))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
}

export function findEndpoint(database: DbOrTx, workspaceId: string, id: string) {
  return database
    .select(endpointView)
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.workspaceId, workspaceId), eq(webhookEndpoints.id, id)))
    .then((rows) => rows[0]);
}

/** Deliveries and attempts go with it (foreign keys cascade); their pending jobs then do nothing. */
export function deleteEndpoint(database: DbOrTx, workspaceId: string, id: string) {
  return database
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.workspaceId, workspaceId), eq(webhookEndpoints.id, id)))
    .returning({ id: webhookEndpoints.id })
    .then((rows) => rows[0]);
}

/** The endpoints an event goes to: enabled, and subscribed to its type. */
export function endpointsFor(database: DbOrTx, workspaceId: string, event: WebhookEvent) {
  return database
    .select({ id: webhookEndpoints.id, createdAt: webhookEndpoints.createdAt })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.workspaceId, workspaceId),
        isNull(webhookEndpoints.disabledAt),
        sql`${event} = any(${webhookEndpoints.events})`,
      ),
    );
}

/** Creates the deliveries not created yet and answers only those (a repeated fan-out adds none). */
export function insertDeliveries(database: Tx, rows: (typeof webhookDeliveries.$inferInsert)[]) {
  if (rows.length === 0) return Promise.resolve([]);
  return database
    .insert(webhookDeliveries)
    .values(rows)
    .onConflictDoNothing({
      target: [
        webhookDeliveries.endpointId,
        webhookDeliveries.eventType,
        webhookDeliveries.eventRef,
      ],
    })
    .returning({ id: webhookDeliveries.id });
}

/** A delivery with what its attempt needs of the endpoint, secret included. */
export function loadDelivery(database: DbOrTx, workspaceId: string, deliveryId: string) {
  return database
    .select({
      id: webhookDeliveries.id,
      eventType: webhookDeliveries.eventType,
      eventRef: webhookDeliveries.eventRef,
      subscriberId: webhookDeliveries.subscriberId,
      seq: webhookDeliveries.seq,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      endpointId: webhookEndpoints.id,
      url: webhookEndpoints.url,
      secret: webhookEndpoints.secret,
      disabledAt: webhookEndpoints.disabledAt,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(
      and(eq(webhookDeliveries.workspaceId, workspaceId), eq(webhookDeliveries.id, deliveryId)),
    )
    .then((rows) => rows[0]);
}

/**
 * Moves a delivery on from `attempt - 1` attempts; answers nothing when another run got there
 * first (the same job run twice), so an outcome is recorded once.
 */
export function advanceDelivery(
  tx: Tx,
  input: {
    id: string;
    attempt: number;
    status: 'pending' | 'delivered' | 'failed' | 'skipped';
    finishedAt: Date | null;
  },
) {
  return tx
    .update(webhookDeliveries)
    .set({ attempts: input.attempt, status: input.status, finishedAt: input.finishedAt })
    .where(
      and(
        eq(webhookDeliveries.id, input.id),
        eq(webhookDeliveries.status, 'pending'),
        eq(webhookDeliveries.attempts, input.attempt - 1),
      ),
    )
    .returning({ id: webhookDeliveries.id })
    .then((rows) => rows[0]);
}

/** The endpoint was disabled before this delivery went out: it never will. */
export function skipDelivery(database: DbOrTx, id: string) {
  return database
    .update(webhookDeliveries)
    .set({ status: 'skipped', finishedAt: sql`now()` })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, 'pending')));
}

export function insertAttempt(tx: Tx, values: typeof webhookAttempts.$inferInsert) {
  return tx.insert(webhookAttempts).values(values);
}

export function insertDeliveryJob(
  tx: Tx,
  input: { workspaceId: string; kind: string; payload: Record<string, unknown>; runAt?: Date },
) {
  return tx.insert(outbox).values(input);
}

/**
 * The endpoint's failure streak: when its first failed attempt since its last success was made
 * (null when it is not failing). Reads only attempts after that success (one index range).
 */
export async function failingSince(tx: DbOrTx, endpointId: string): Promise<Date | null> {
  const lastOk = tx
    .select({ at: max(webhookAttempts.attemptedAt) })
    .from(webhookAttempts)
    .where(and(eq(webhookAttempts.endpointId, endpointId), eq(webhookAttempts.ok, true)));
  const rows = await tx
    .select({ since: min(webhookAttempts.attemptedAt) })
    .from(webhookAttempts)
    .where(
      and(
        eq(webhookAttempts.endpointId, endpointId),
        eq(webhookAttempts.ok, false),
        sql`${webhookAttempts.attemptedAt} > coalesce((${lastOk}), '-infinity'::timestamptz)`,
      ),
    );
  const since = rows[0]?.since;
  return since ? new Date(since) : null;
}

export function disableEndpoint(tx: Tx, input: { endpointId: string; at: Date; reason: string }) {
  return tx
    .update(webhookEndpoints)
    .set({ disabledAt: input.at, disabledReason: input.reason })
    .where(and(eq(webhookEndpoints.id, input.endpointId), isNull(webhookEndpoints.disabledAt)))
    .returning({ id: webhookEndpoints.id });
}

/** The most recent attempts at one endpoint, newest first, with their delivery. */
export function listAttempts(
  database: DbOrTx,
  input: { workspaceId: string; endpointId: string; limit: number },
) {
  return database
    .select({
      deliveryId: webhookDeliveries.id,
      eventType: webhookDeliveries.eventType,
      subscriberId: webhookDeliveries.subscriberId,
      seq: webhookDeliveries.seq,
      deliveryStatus: webhookDeliveries.status,
      attempt: webhookAttempts.attempt,
      attemptedAt: webhookAttempts.attemptedAt,
      durationMs: webhookAttempts.durationMs,
      ok: webhookAttempts.ok,
      statusCode: webhookAttempts.statusCode,
      error: webhookAttempts.error,
      responseExcerpt: webhookAttempts.responseExcerpt,
    })
    .from(webhookAttempts)
    .innerJoin(webhookDeliveries, eq(webhookDeliveries.id, webhookAttempts.deliveryId))
    .where(
      and(
        eq(webhookAttempts.workspaceId, input.workspaceId),
        eq(webhookAttempts.endpointId, input.endpointId),
      ),
    )
    .orderBy(desc(webhookAttempts.attemptedAt), desc(webhookAttempts.id))
    .limit(input.limit);
}

// --- What the bodies are built from ------------------------------------------------------------

/** The events of one change with their category slugs, in ledger order. */
export function changeEvents(database: DbOrTx, workspaceId: string, changeId: string) {
  return database
    .select({
      subscriberId: consentEvents.subscriberId,
      seq: consentEvents.seq,
      type: consentEvents.type,
      category: categories.slug,
      channel: consentEvents.channel,
      before: consentEvents.before,
      after: consentEvents.after,
      source: consentEvents.source,
      occurredAt: consentEvents.occurredAt,
    })
    .from(consentEvents)
    .leftJoin(categories, eq(categories.id, consentEvents.categoryId))
    .where(and(eq(consentEvents.workspaceId, workspaceId), eq(consentEvents.changeId, changeId)))
    .orderBy(asc(consentEvents.seq));
}

/** The last ledger position of a change (what a delivery about it is ordered by), and its time. */
export function changeHead(database: DbOrTx, workspaceId: string, changeId: string) {
  return database
    .select({
      subscriberId: consentEvents.subscriberId,
      seq: max(consentEvents.seq),
      occurredAt: min(consentEvents.occurredAt),
    })
    .from(consentEvents)
    .where(and(eq(consentEvents.workspaceId, workspaceId), eq(consentEvents.changeId, changeId)))
    .groupBy(consentEvents.subscriberId)
    .then((rows) => rows[0]);
}

export function findFeedback(database: DbOrTx, workspaceId: string, id: string) {
  return database
    .select({
      id: feedback.id,
      subscriberId: feedback.subscriberId,
      changeId: feedback.changeId,
      reason: feedback.reason,
      comment: feedback.comment,
      createdAt: feedback.createdAt,
    })
    .from(feedback)
    .where(and(eq(feedback.workspaceId, workspaceId), eq(feedback.id, id)))
    .then((rows) => rows[0]);
}

/**
 * Erasure: what receivers answered about this subscriber's events may echo personal data, so the
 * excerpts go. Bodies sent are never stored (they are rebuilt from the ledger at each attempt).
 */
export function clearWebhookBodies(tx: Tx, input: { workspaceId: string; subscriberId: string }) {
  const ofSubscriber = tx
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.workspaceId, input.workspaceId),
        eq(webhookDeliveries.subscriberId, input.subscriberId),
      ),
    );
  return tx
    .update(webhookAttempts)
    .set({ responseExcerpt: null })
    .where(
      and(
        inArray(webhookAttempts.deliveryId, ofSubscriber),
        isNotNull(webhookAttempts.responseExcerpt),
      ),
    )
    .returning({ id: webhookAttempts.id });
}

// --- The admin console: recent deliveries, retry, re-enable ------------------------------------

export type RecentDeliveryRow = {
  id: string;
  endpoint_id: string;
  event_type: WebhookEvent;
  status: 'pending' | 'delivered' | 'failed' | 'skipped';
  attempts: number;
  created_at: Date | string;
  finished_at: Date | string | null;
  last_attempted_at: Date | string | null;
  last_ok: boolean | null;
  last_status_code: number | null;
  last_error: string | null;
  last_excerpt: string | null;
  next_attempt_at: Date | string | null;
};

/**
 * The newest `perEndpoint` deliveries of each of the workspace's endpoints, each with its last
 * attempt and, while it is pending, when its next attempt is due (its pending job's run_at), in
 * one statement.
 */
export function listRecentDeliveries(
  database: DbOrTx,
  input: { workspaceId: string; perEndpoint: number },
) {
  return queryRows<RecentDeliveryRow>(
    database,
    sql`
    select d.id, d.endpoint_id, d.event_type, d.status, d.attempts, d.created_at, d.finished_at,
      a.attempted_at as last_attempted_at, a.ok as last_ok, a.status_code as last_status_code,
      a.error as last_error, a.response_excerpt as last_excerpt, j.run_at as next_attempt_at
    from webhook_endpoints e
    cross join lateral (
      select * from webhook_deliveries d
      where d.endpoint_id = e.id and d.workspace_id = ${input.workspaceId}
      order by d.created_at desc, d.id desc
      limit ${input.perEndpoint}) d
    left join lateral (
      select attempted_at, ok, status_code, error, response_excerpt from webhook_attempts a
      where a.delivery_id = d.id
      order by a.attempt desc, a.id desc
      limit 1) a on true
    left join lateral (
      select min(o.run_at) as run_at from outbox o
      where d.status = 'pending' and o.status = 'pending' and o.kind = 'webhook.deliver'
        and o.workspace_id = d.workspace_id and o.payload->>'deliveryId' = d.id::text) j on true
    where e.workspace_id = ${input.workspaceId}
    order by e.created_at, e.id, d.created_at desc, d.id desc`,
  );
}

/** A delivery of the workspace with its endpoint's state, locked until the transaction ends. */
export function lockDelivery(tx: Tx, workspaceId: string, deliveryId: string) {
  return tx
    .select({
      id: webhookDeliveries.id,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      eventType: webhookDeliveries.eventType,
      endpointId: webhookEndpoints.id,
      url: webhookEndpoints.url,
      disabledAt: webhookEndpoints.disabledAt,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(
      and(eq(webhookDeliveries.workspaceId, workspaceId), eq(webhookDeliveries.id, deliveryId)),
    )
    .for('update', { of: webhookDeliveries })
    .then((rows) => rows[0]);
}

/** A finished (failed or skipped) delivery goes back to pending, its attempts kept. */
export function reopenDelivery(tx: Tx, id: string) {
  return tx
    .update(webhookDeliveries)
    .set({ status: 'pending', finishedAt: null })
    .where(
      and(eq(webhookDeliveries.id, id), inArray(webhookDeliveries.status, ['failed', 'skipped'])),
    )
    .returning({ id: webhookDeliveries.id, attempts: webhookDeliveries.attempts })
    .then((rows) => rows[0]);
}

/**
 * The delivery's pending jobs: `due` how many were waiting and are now due at `now`, `pending`
 * how many there are at all (one being run counts: its attempt is under way).
 */
export async function makeDeliveryJobsDue(
  tx: Tx,
  input: { workspaceId: string; deliveryId: string; now: Date },
) {
  const mine = and(
    eq(outbox.workspaceId, input.workspaceId),
    eq(outbox.kind, 'webhook.deliver'),
    eq(outbox.status, 'pending'),
    sql`${outbox.payload}->>'deliveryId' = ${input.deliveryId}`,
  );
  const due = await tx
    .update(outbox)
    .set({ runAt: input.now })
    .where(
      and(
        mine,
        sql`${outbox.runAt} > ${input.now}`,
        sql`(${outbox.lockedUntil} is null or ${outbox.lockedUntil} < ${input.now})`,
      ),
    )
    .returning({ id: outbox.id });
  const [pending] = await tx.select({ n: count() }).from(outbox).where(mine);
  return { due: due.length, pending: pending?.n ?? 0 };
}

/** Turns a disabled endpoint back on; answers nothing when it was not disabled. */
export function enableEndpoint(tx: Tx, workspaceId: string, id: string) {
  return tx
    .update(webhookEndpoints)
    .set({ disabledAt: null, disabledReason: null })
    .where(
      and(
        eq(webhookEndpoints.workspaceId, workspaceId),
        eq(webhookEndpoints.id, id),
        isNotNull(webhookEndpoints.disabledAt),
      ),
    )
    .returning({ id: webhookEndpoints.id, url: webhookEndpoints.url })
    .then((rows) => rows[0]);
}
