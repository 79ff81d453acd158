import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { type Db, type DbOrTx, db as getDb, type Tx } from '@/db/client';
import {
  advanceDelivery,
  changeEvents,
  changeHead,
  countEndpoints,
  deleteEndpoint,
  disableEndpoint,
  enableEndpoint,
  endpointsFor,
  failingSince,
  findEndpoint,
  findFeedback,
  insertAttempt,
  insertDeliveries,
  insertDeliveryJob,
  insertEndpoint,
  listAttempts,
  listEndpoints,
  listRecentDeliveries,
  loadDelivery,
  lockDelivery,
  makeDeliveryJobsDue,
  reopenDelivery,
  skipDelivery,
} from '@/db/queries/webhooks';
import { WEBHOOK_EVENTS, type WebhookEvent } from '@/db/schema';
import { config } from '@/platform/config';
import { checkWebhookUrl, postGuarded, TargetRefusedError } from '@/platform/ssrf';
import { DomainError } from './errors';
import { type Job, PermanentJobError, registerJobHandler } from './outbox';

/**
 * Signed webhooks (Standard Webhooks). The one door, feedback and erasure write outbox jobs
 * (`consent.changed`, `feedback.received`, `subscriber.erased`) in the transaction of the change.
 * Each such job fans out into one delivery per enabled endpoint subscribed to its type, and each
 * delivery is its own chain of `webhook.deliver` jobs, so one slow or failing receiver never holds
 * up another and its retries follow its own schedule.
 *
 * At least once: the delivery's id is the `webhook-id` of every attempt, and the body carries the
 * subscriber's ledger position (`seq`), so receivers de-duplicate and order. The body is built
 * from the ledger at each attempt and never stored; only a short excerpt of each answer is kept.
 */

export const WEBHOOK_DELIVER = 'webhook.deliver';
export const MAX_ENDPOINTS_PER_WORKSPACE = 20;
export const DELIVERY_TIMEOUT_MS = 10_000;
export const RESPONSE_EXCERPT_BYTES = 256;
/** An endpoint whose every attempt failed for this long is disabled. */
export const DISABLE_AFTER_MS = 24 * 3_600_000;

/**
 * The wait before attempt n+1: 5 s, growing fivefold, capped at 10 h. Nine attempts over about
 * 25 hours, so a receiver that is down for a day still gets every event.
 */
export const RETRY_DELAYS_MS: readonly number[] = Array.from({ length: 8 }, (_, i) =>
  Math.min(5_000 * 5 ** i, 10 * 3_600_000),
);

export type WebhookOptions = {
  /** Let endpoints target loopback and private addresses (DIAL_ALLOW_PRIVATE_WEBHOOKS=1). */
  allowPrivate?: boolean;
  retryDelaysMs?: readonly number[];
  disableAfterMs?: number;
  timeoutMs?: number;
  /** The clock attempts are recorded and signed with. */
  now?: () => Date;
};

function settings(options: WebhookOptions) {
  return {
    allowPrivate: options.allowPrivate ?? config().allowPrivateWebhooks,
    retryDelaysMs: options.retryDelaysMs ?? RETRY_DELAYS_MS,
    disableAfterMs: options.disableAfterMs ?? DISABLE_AFTER_MS,
    timeoutMs: options.timeoutMs ?? DELIVERY_TIMEOUT_MS,
    now: options.now ?? (() => new Date()),
  };
}

// --- Secrets ------------------------------------------------------------------------------------

/**
 * Signing needs the secret itself, so it cannot be hashed like an API key: it is sealed with
 * AES-256-GCM under a key derived from DIAL_SECRET, so a copy of the database alone reveals none.
 */
function sealingKey(): Buffer {
  return createHmac('sha256', config().secret).update('dial-webhook-secret-key-v1').digest();
}

export function sealSecret(secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(), iv);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}`;
}

export function openSecret(stored: string): string {
  const [version, data] = stored.split('.');
  if (version !== 'v1' || !data) throw new Error('unknown webhook secret format');
  const raw = Buffer.from(data, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

// --- Endpoints ----------------------------------------------------------------------------------

export type WebhookEndpointView = {
  id: string;
  url: string;
  events: WebhookEvent[];
  createdAt: Date;
  disabledAt: Date | null;
  disabledReason: string | null;
};

/** Registers an endpoint; answers its secret, the only time it is shown. */
export async function createWebhookEndpoint(
  input: { workspaceId: string; url: string; events?: WebhookEvent[] },
  options: WebhookOptions = {},
  database?: Db,
): Promise<{ id: string; secret: string }> {
  await checkEndpointUrl(input.url, options);
  const { id, secret } = await insertWebhookEndpoint(database ?? (await getDb()), input);
  return { id, secret };
}

/**
 * The URL rules of an endpoint (scheme, no credentials, and the SSRF rule of platform/ssrf.ts),
 * as a validation error on `url`. Run before any transaction: it may ask the DNS.
 */
export async function checkEndpointUrl(url: string, options: WebhookOptions = {}): Promise<void> {
  const { allowPrivate } = settings(options);
  try {
    await checkWebhookUrl(url, { allowPrivate });
  } catch (error) {
    if (!(error instanceof TargetRefusedError)) throw error;
    throw new DomainError('validation', error.message, {
      errors: [{ path: 'url', message: error.message }],
    });
  }
}

/**
 * Stores an endpoint whose URL `checkEndpointUrl` accepted, in the caller's transaction if it
 * holds one; answers its secret, the only time it is shown (only a sealed copy is stored).
 */
export async function insertWebhookEndpoint(
  database: DbOrTx,
  input: { workspaceId: string; url: string; events?: WebhookEvent[] },
): Promise<{ id: string; secret: string; events: WebhookEvent[] }> {
  if ((await countEndpoints(database, input.workspaceId)) >= MAX_ENDPOINTS_PER_WORKSPACE) {
    throw new DomainError(
      'validation',
      `A workspace may have at most ${MAX_ENDPOINTS_PER_WORKSPACE} webhook endpoints; delete one first.`,
    );
  }
  // Without a filter, every event type there is today; a type added later is opted into.
  const events = WEBHOOK_EVENTS.filter((e) => (input.events ?? WEBHOOK_EVENTS).includes(e));
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const row = await insertEndpoint(database, {
    workspaceId: input.workspaceId,
    url: input.url,
    events,
    secret: sealSecret(secret),
  });
  if (!row) throw new Error('webhook endpoint was not stored');
  return { id: row.id, secret, events };
}

export async function listWebhookEndpoints(
  workspaceId: string,
  database?: Db,
): Promise<WebhookEndpointView[]> {
  const dbh = database ?? (await getDb());
  return (await listEndpoints(dbh, workspaceId)) as WebhookEndpointView[];
}

const notFound = () => new DomainError('not_found', 'No such webhook endpoint in this workspace.');

export async function deleteWebhookEndpoint(
  workspaceId: string,
  id: string,
  database?: Db,
): Promise<void> {
  const dbh = database ?? (await getDb());
  if (!(await deleteEndpoint(dbh, workspaceId, id))) throw notFound();
}

/** The endpoint's most recent attempts, newest first. */
export async function listWebhookAttempts(
  input: { workspaceId: string; endpointId: string; limit: number },
  database?: Db,
) {
  const dbh = database ?? (await getDb());
  if (!(await findEndpoint(dbh, input.workspaceId, input.endpointId))) throw notFound();
  return listAttempts(dbh, input);
}

// --- Fan-out ------------------------------------------------------------------------------------

const fanOutPayloads = {
  'consent.changed': z.object({ subscriberId: z.guid(), changeId: z.guid(), toSeq: z.number() }),
  'subscriber.erased': z.object({ subscriberId: z.guid(), changeId: z.guid() }),
  'feedback.received': z.object({ feedbackId: z.guid(), changeId: z.guid() }),
} satisfies Record<WebhookEvent, z.ZodType>;

/** What a delivery is about: its reference, its subscriber, their ledger position, its time. */
async function eventTarget(dbh: Db, workspaceId: string, type: WebhookEvent, job: Job) {
  const parsed = fanOutPayloads[type].safeParse(job.payload);
  if (!parsed.success) throw new PermanentJobError(`${type}: malformed payload`);
  const payload = parsed.data as Record<string, unknown>;
  const changeId = payload.changeId as string;
  const head = await changeHead(dbh, workspaceId, changeId);
  if (!head?.seq || !head.occurredAt)
    throw new PermanentJobError(`${type}: change ${changeId} not found`);
  const target = {
    subscriberId: head.subscriberId,
    seq: head.seq,
    occurredAt: new Date(head.occurredAt),
  };
  if (type !== 'feedback.received') return { ...target, eventRef: changeId };
  const answer = await findFeedback(dbh, workspaceId, payload.feedbackId as string);
  if (!answer) throw new PermanentJobError(`${type}: feedback ${payload.feedbackId} not found`);
  return { ...target, eventRef: answer.id, occurredAt: answer.createdAt };
}

/**
 * One delivery per enabled endpoint subscribed to the event's type, each with its first
 * `webhook.deliver` job, in one transaction. Run twice, it adds nothing. An endpoint hears of
 * what happens after it was registered, not of older events still queued. Answers how many.
 */
export async function fanOutEvent(job: Job, database?: Db): Promise<number> {
  const type = job.kind as WebhookEvent;
  if (!WEBHOOK_EVENTS.includes(type)) throw new PermanentJobError(`not a webhook event: ${type}`);
  if (!job.workspaceId) throw new PermanentJobError(`${type}: no workspace`);
  const workspaceId = job.workspaceId;
  const dbh = database ?? (await getDb());
  const subscribed = await endpointsFor(dbh, workspaceId, type);
  if (subscribed.length === 0) return 0;
  const { occurredAt, ...target } = await eventTarget(dbh, workspaceId, type, job);
  const endpoints = subscribed.filter((e) => e.createdAt <= occurredAt);
  if (endpoints.length === 0) return 0;
  return dbh.transaction(async (tx) => {
    const created = await insertDeliveries(
      tx,
      endpoints.map((e) => ({ workspaceId, endpointId: e.id, eventType: type, ...target })),
    );
    for (const delivery of created) {
      await insertDeliveryJob(tx, {
        workspaceId,
        kind: WEBHOOK_DELIVER,
        payload: { deliveryId: delivery.id, attempt: 1 },
      });
    }
    return created.length;
  });
}

// --- Bodies -------------------------------------------------------------------------------------

/** Ledger values without Dial's internal bookkeeping (who made an opt-out is in `source`). */
function publicValue(type: string, value: unknown) {
  const v = (value ?? {}) as Record<string, unknown>;
  switch (type) {
    case 'subscription':
      return { status: v.status, frequency: v.frequency ?? null };
    case 'pause':
      return { until: v.until ?? null };
    case 'global_opt_out':
      return { optedOut: v.optedOut === true };
    case 'keyword_block':
      return { blocked: v.blocked === true };
    default:
      return { value: v.value === true };
  }
}

export type WebhookBody = { type: WebhookEvent; timestamp: string; data: Record<string, unknown> };

/**
 * The body of one event, from the ledger: ids and consent states, no address or name. A feedback
 * comment is the one free text, and erasure clears it.
 */
export async function webhookBody(
  dbh: Db,
  workspaceId: string,
  delivery: { eventType: WebhookEvent; eventRef: string; subscriberId: string; seq: number },
): Promise<WebhookBody | null> {
  if (delivery.eventType === 'feedback.received') {
    const answer = await findFeedback(dbh, workspaceId, delivery.eventRef);
    if (!answer) return null;
    const occurredAt = answer.createdAt.toISOString();
    return {
      type: 'feedback.received',
      timestamp: occurredAt,
      data: {
        subscriberId: answer.subscriberId,
        seq: delivery.seq,
        feedbackId: answer.id,
        changeId: answer.changeId,
        reason: answer.reason,
        comment: answer.comment,
        occurredAt,
      },
    };
  }
  const events = await changeEvents(dbh, workspaceId, delivery.eventRef);
  const first = events[0];
  const last = events.at(-1);
  if (!first || !last) return null;
  const occurredAt = first.occurredAt.toISOString();
  if (delivery.eventType === 'subscriber.erased') {
    return {
      type: 'subscriber.erased',
      timestamp: occurredAt,
      data: {
        subscriberId: first.subscriberId,
        seq: last.seq,
        changeId: delivery.eventRef,
        occurredAt,
      },
    };
  }
  return {
    type: 'consent.changed',
    timestamp: occurredAt,
    data: {
      subscriberId: first.subscriberId,
      seq: last.seq,
      fromSeq: first.seq,
      changeId: delivery.eventRef,
      source: first.source,
      occurredAt,
      changes: events.map((e) => ({
        seq: e.seq,
        type: e.type,
        category: e.category,
        channel: e.channel,
        before: publicValue(e.type, e.before),
        after: publicValue(e.type, e.after),
      })),
    },
  };
}

/** The `webhook-id` of every attempt of a delivery. */
export function webhookId(deliveryId: string): string {
  return `msg_${deliveryId.replaceAll('-', '')}`;
}

// --- Delivery -----------------------------------------------------------------------------------

const deliverPayloadSchema = z.object({
  deliveryId: z.guid(),
  attempt: z.number().int().min(1),
});

export type AttemptOutcome =
  | 'delivered'
  | 'retrying'
  | 'failed'
  | 'skipped'
  /** The job was run already (a repeat): nothing sent. */
  | 'stale';

/** The `webhook.deliver` job: one attempt, then the next one scheduled if it failed. */
export async function deliverWebhook(
  job: Job,
  options: WebhookOptions = {},
  database?: Db,
): Promise<AttemptOutcome> {
  const parsed = deliverPayloadSchema.safeParse(job.payload);
  if (!parsed.success || !job.workspaceId) throw new PermanentJobError('malformed delivery job');
  return attemptDelivery(
    { workspaceId: job.workspaceId, ...parsed.data },
    options,
    database ?? (await getDb()),
  );
}

export async function attemptDelivery(
  input: { workspaceId: string; deliveryId: string; attempt: number },
  options: WebhookOptions = {},
  database?: Db,
): Promise<AttemptOutcome> {
  const s = settings(options);
  const dbh = database ?? (await getDb());
  const { workspaceId, attempt } = input;
  const delivery = await loadDelivery(dbh, workspaceId, input.deliveryId);
  // Deleted with its endpoint, finished, or this attempt already made: a repeated job.
  if (delivery?.status !== 'pending' || delivery.attempts !== attempt - 1) return 'stale';
  if (delivery.disabledAt) {
    await skipDelivery(dbh, delivery.id);
    return 'skipped';
  }
  const body = await webhookBody(dbh, workspaceId, delivery);
  if (!body) {
    // Cannot happen while the ledger and feedback are kept; never sent rather than sent empty.
    await skipDelivery(dbh, delivery.id);
    return 'skipped';
  }

  const text = JSON.stringify(body);
  const id = webhookId(delivery.id);
  const sentAt = s.now();
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Dial-Webhooks/1',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': new Webhook(openSecret(delivery.secret)).sign(id, sentAt, text),
  };
  const started = performance.now();
  let result: { ok: boolean; statusCode: number | null; error: string | null; excerpt: string };
  let durationMs: number;
  try {
    const answer = await postGuarded(delivery.url, {
      headers,
      body: text,
      timeoutMs: s.timeoutMs,
      excerptBytes: RESPONSE_EXCERPT_BYTES,
      allowPrivate: s.allowPrivate,
    });
    const ok = answer.statusCode >= 200 && answer.statusCode < 300;
    result = {
      ok,
      statusCode: answer.statusCode,
      error: ok ? null : `HTTP ${answer.statusCode}`,
      excerpt: answer.excerpt,
    };
    durationMs = answer.durationMs;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    result = {
      ok: false,
      statusCode: null,
      error: (typeof code === 'string' && !message.includes(code)
        ? `${code}: ${message}`
        : message
      ).slice(0, 500),
      excerpt: '',
    };
    durationMs = Math.round(performance.now() - started);
  }

  const last = attempt > s.retryDelaysMs.length;
  const status = result.ok ? 'delivered' : last ? 'failed' : 'pending';
  return dbh.transaction(async (tx) => {
    // Recorded even when another run got there first: both requests were made.
    await insertAttempt(tx, {
      workspaceId,
      endpointId: delivery.endpointId,
      deliveryId: delivery.id,
      attempt,
      attemptedAt: sentAt,
      durationMs,
      ok: result.ok,
      statusCode: result.statusCode,
      error: result.error,
      responseExcerpt: result.excerpt || null,
    });
    const moved = await advanceDelivery(tx, {
      id: delivery.id,
      attempt,
      status,
      finishedAt: status === 'pending' ? null : sentAt,
    });
    if (!moved) return 'stale';
    if (result.ok) return 'delivered';
    if (status === 'pending') {
      const delay = s.retryDelaysMs[attempt - 1] ?? 0;
      await insertDeliveryJob(tx, {
        workspaceId,
        kind: WEBHOOK_DELIVER,
        payload: { deliveryId: delivery.id, attempt: attempt + 1 },
        runAt: delay > 0 ? new Date(Date.now() + delay) : undefined,
      });
    }
    const since = await failingSince(tx, delivery.endpointId);
    if (since && sentAt.getTime() - since.getTime() >= s.disableAfterMs) {
      await disableEndpoint(tx, {
        endpointId: delivery.endpointId,
        at: sentAt,
        reason: `Every delivery attempt failed for ${formatSpan(s.disableAfterMs)} (the last: ${result.error}). Delete the endpoint and create it again once the receiver works.`,
      });
    }
    return status === 'failed' ? 'failed' : 'retrying';
  });
}

function formatSpan(ms: number): string {
  if (ms >= 3_600_000) return `${Math.round(ms / 3_600_000)} hours`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} minutes`;
  return `${Math.round(ms / 1000)} seconds`;
}

// --- The admin console ---------------------------------------------------------------------------

export type RecentDelivery = {
  id: string;
  endpointId: string;
  eventType: WebhookEvent;
  status: 'pending' | 'delivered' | 'failed' | 'skipped';
  attempts: number;
  createdAt: Date;
  finishedAt: Date | null;
  lastAttempt: {
    at: Date;
    ok: boolean;
    statusCode: number | null;
    error: string | null;
    excerpt: string | null;
  } | null;
  /** While pending: when the next attempt is due (null when none is waiting, e.g. under way). */
  nextAttemptAt: Date | null;
};

const asDate = (value: Date | string) => (value instanceof Date ? value : new Date(value));

/** Each endpoint's newest deliveries, with their last attempt and next attempt time. */
export async function recentWebhookDeliveries(
  input: { workspaceId: string; perEndpoint: number },
  database?: DbOrTx,
): Promise<RecentDelivery[]> {
  const rows = await listRecentDeliveries(database ?? (await getDb()), input);
  return rows.map((r) => ({
    id: r.id,
    endpointId: r.endpoint_id,
    eventType: r.event_type,
    status: r.status,
    attempts: Number(r.attempts),
    createdAt: asDate(r.created_at),
    finishedAt: r.finished_at === null ? null : asDate(r.finished_at),
    lastAttempt:
      r.last_attempted_at === null
        ? null
        : {
            at: asDate(r.last_attempted_at),
            ok: r.last_ok === true,
            statusCode: r.last_status_code,
            error: r.last_error,
            excerpt: r.last_excerpt,
          },
    nextAttemptAt: r.next_attempt_at === null ? null : asDate(r.next_attempt_at),
  }));
}

export type RetryOutcome =
  /** A failed or skipped delivery gets one more attempt, due now. */
  | 'reopened'
  /** A pending delivery's waiting attempt is now due. */
  | 'due'
  /** Its attempt is due or under way already: nothing to do. */
  | 'unchanged';

/**
 * "Retry now" for one delivery, inside the caller's transaction. A failed (retries used up) or
 * skipped delivery goes back to pending with a job for its next attempt, due now; a pending one
 * has its waiting job moved to now. Repeating it changes nothing more: the delivery row is
 * locked, a reopened delivery is pending, and a due job stays the only job. The attempt itself
 * is the worker's, as any other (at most once per attempt number, see `attemptDelivery`).
 */
export async function retryWebhookDelivery(
  tx: Tx,
  input: { workspaceId: string; deliveryId: string; now?: Date },
): Promise<{
  outcome: RetryOutcome;
  delivery: { id: string; eventType: WebhookEvent; url: string };
}> {
  const now = input.now ?? new Date();
  const delivery = await lockDelivery(tx, input.workspaceId, input.deliveryId);
  if (!delivery) throw new DomainError('not_found', 'No such webhook delivery in this workspace.');
  const about = { id: delivery.id, eventType: delivery.eventType, url: delivery.url };
  if (delivery.status === 'delivered')
    throw new DomainError(
      'conflict',
      'This event was delivered already; there is nothing to retry.',
    );
  if (delivery.disabledAt)
    throw new DomainError(
      'conflict',
      'This endpoint is turned off, so nothing is sent to it. Turn it back on first, then retry.',
    );
  if (delivery.status !== 'pending') {
    const reopened = await reopenDelivery(tx, delivery.id);
    if (!reopened) throw new Error('webhook delivery changed under its lock');
    await insertDeliveryJob(tx, {
      workspaceId: input.workspaceId,
      kind: WEBHOOK_DELIVER,
      payload: { deliveryId: delivery.id, attempt: reopened.attempts + 1 },
      runAt: now,
    });
    return { outcome: 'reopened', delivery: about };
  }
  const jobs = await makeDeliveryJobsDue(tx, { ...input, now });
  if (jobs.due > 0) return { outcome: 'due', delivery: about };
  if (jobs.pending > 0) return { outcome: 'unchanged', delivery: about };
  // Pending without a job (should not happen: each attempt schedules the next): schedule it.
  await insertDeliveryJob(tx, {
    workspaceId: input.workspaceId,
    kind: WEBHOOK_DELIVER,
    payload: { deliveryId: delivery.id, attempt: delivery.attempts + 1 },
    runAt: now,
  });
  return { outcome: 'due', delivery: about };
}

/**
 * Turns a disabled endpoint back on, inside the caller's transaction; answers it, or undefined
 * when it was on already. Deliveries skipped while it was off stay skipped (each can be retried).
 */
export async function enableWebhookEndpoint(tx: Tx, workspaceId: string, id: string) {
  const enabled = await enableEndpoint(tx, workspaceId, id);
  if (enabled) return enabled;
  if (!(await findEndpoint(tx, workspaceId, id))) throw notFound();
  return undefined;
}

/**
 * Registers the fan-out of the three event kinds and the delivery job; answers a function that
 * unregisters them. Without options, the configuration decides about private targets.
 */
export function registerWebhookJobs(options: WebhookOptions = {}): () => void {
  const undo = [
    ...WEBHOOK_EVENTS.map((kind) =>
      registerJobHandler(kind, async (job) => void (await fanOutEvent(job))),
    ),
    registerJobHandler(WEBHOOK_DELIVER, async (job) => void (await deliverWebhook(job, options))),
  ];
  return () => {
    for (const u of undo) u();
  };
}
