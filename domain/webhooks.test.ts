import { and, eq, inArray } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { outbox, WEBHOOK_EVENTS, webhookAttempts, webhookDeliveries } from '@/db/schema';
import { applyConsentFor } from './consent';
import { eraseSubscriber } from './erasure';
import { recordFeedback } from './feedback';
import { type Job, registerJobHandler, runOutboxOnce } from './outbox';
import { makeSubscriber, makeWorkspace } from './test-fixtures';
import { type Receiver, startReceiver } from './webhook-receiver.fixture';
import {
  attemptDelivery,
  createWebhookEndpoint,
  deliverWebhook,
  fanOutEvent,
  listWebhookAttempts,
  listWebhookEndpoints,
  RETRY_DELAYS_MS,
  WEBHOOK_DELIVER,
  type WebhookBody,
  webhookId,
} from './webhooks';

/**
 * Deliveries to a real HTTP receiver on loopback, so the endpoints are created and delivered to
 * with private targets allowed (as DIAL_ALLOW_PRIVATE_WEBHOOKS=1 does), except where a test says
 * otherwise. Retries wait nothing here: the schedule is zeros, and the clock is the test's.
 *
 * On PostgreSQL the database is shared with other test files, whose `consent.changed`,
 * `subscriber.erased` and `feedback.received` jobs this file must not take: there it fans out
 * its own workspaces' jobs itself, and the worker runs only the delivery jobs.
 */

const NO_WAIT = { allowPrivate: true, retryDelaysMs: RETRY_DELAYS_MS.map(() => 0) };
const workerId = `webhooks-test-${process.pid}`;

let receiver: Receiver;
let workspaceId: string;
const mine = new Set<string>();
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
  ({ workspaceId } = await makeWorkspace('webhooks'));
  mine.add(workspaceId);
  cleanups.push(registerJobHandler(WEBHOOK_DELIVER, (job) => deliverWebhook(job, NO_WAIT).then()));
});
afterEach(() => {
  receiver.received.length = 0;
  receiver.respond(() => ({ status: 204 }));
});
afterAll(async () => {
  for (const c of cleanups) c();
  await receiver.close();
  await closeDb();
});

/** Fans out this file's event jobs (as the worker's handlers would), marking them done. */
async function fanOutMine(): Promise<number> {
  const dbh = await db();
  const jobs = await dbh
    .select()
    .from(outbox)
    .where(
      and(
        inArray(outbox.workspaceId, [...mine]),
        eq(outbox.status, 'pending'),
        inArray(outbox.kind, [...WEBHOOK_EVENTS]),
      ),
    );
  let created = 0;
  for (const job of jobs) {
    created += await fanOutEvent(job as Job);
    await dbh.update(outbox).set({ status: 'done' }).where(eq(outbox.id, job.id));
  }
  return created;
}

/** Fan-out, then the worker until no job is left for it (other files' jobs may be in the way). */
async function drive() {
  await fanOutMine();
  for (let i = 0; i < 30; i++) {
    if ((await runOutboxOnce({ workerId, workspaceIds: [...mine] })) === 0) return;
  }
}

async function optIn(subscriberId: string, status: 'subscribed' | 'unsubscribed' = 'subscribed') {
  const result = await applyConsentFor({
    workspaceId,
    subscriberId,
    source: status === 'subscribed' ? 'api' : 'unsubscribe_page',
    changes: [{ type: 'subscription', category: 'promotions', channel: 'email', status }],
  });
  if (!result.ok || !result.changeId) throw new Error('no change');
  return result;
}

function bodies(of: Receiver = receiver) {
  return of.received.map((r) => JSON.parse(r.body) as WebhookBody);
}

describe('delivering consent.changed', () => {
  it('is signed per Standard Webhooks and verifies with the receiver library; the body comes from the ledger', async () => {
    const { id, secret } = await createWebhookEndpoint(
      { workspaceId, url: receiver.url, events: ['consent.changed'] },
      NO_WAIT,
    );
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const person = await makeSubscriber(workspaceId);
    const first = await optIn(person.id);
    const second = await optIn(person.id, 'unsubscribed');
    await drive();

    expect(receiver.received).toHaveLength(2);
    const verifier = new Webhook(secret);
    for (const request of receiver.received) {
      expect(() => verifier.verify(request.body, request.headers)).not.toThrow();
      expect(request.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    }
    // Another secret does not verify: the signature is really over this body.
    const stranger = new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
    const one = receiver.received[0] as (typeof receiver.received)[number];
    expect(() => stranger.verify(one.body, one.headers)).toThrow();
    expect(() => verifier.verify(`${one.body} `, one.headers)).toThrow();

    const sorted = bodies().sort((a, b) => Number(a.data.seq) - Number(b.data.seq));
    expect(sorted.map((b) => b.data.changeId)).toEqual([first.changeId, second.changeId]);
    expect(sorted[1]).toEqual({
      type: 'consent.changed',
      timestamp: expect.any(String),
      data: {
        subscriberId: person.id,
        seq: second.events.at(-1)?.seq,
        fromSeq: second.events[0]?.seq,
        changeId: second.changeId,
        source: 'unsubscribe_page',
        occurredAt: second.events[0]?.occurredAt.toISOString(),
        changes: [
          {
            seq: second.events[0]?.seq,
            type: 'subscription',
            category: 'promotions',
            channel: 'email',
            before: { status: 'subscribed', frequency: 'instant' },
            after: { status: 'unsubscribed', frequency: 'instant' },
          },
        ],
      },
    });
    expect(Number(sorted[0]?.data.seq)).toBeLessThan(Number(sorted[1]?.data.seq));
    // Nothing personal: the subscriber's address is not in what was sent.
    expect(receiver.received.map((r) => r.body).join('\n')).not.toContain(person.email ?? '@');

    const attempts = await listWebhookAttempts({ workspaceId, endpointId: id, limit: 10 });
    expect(attempts.map((a) => [a.attempt, a.ok, a.statusCode, a.deliveryStatus])).toEqual([
      [1, true, 204, 'delivered'],
      [1, true, 204, 'delivered'],
    ]);
  });

  it('fans out once per endpoint, however often the job runs; a delivery job run twice sends once', async () => {
    const ws = await makeWorkspace('webhooks-fanout');
    mine.add(ws.workspaceId);
    await createWebhookEndpoint({ workspaceId: ws.workspaceId, url: receiver.url }, NO_WAIT);
    await createWebhookEndpoint({ workspaceId: ws.workspaceId, url: `${receiver.url}/2` }, NO_WAIT);
    const person = await makeSubscriber(ws.workspaceId);
    const change = await applyConsentFor({
      workspaceId: ws.workspaceId,
      subscriberId: person.id,
      source: 'api',
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'sms', status: 'subscribed' },
      ],
    });
    const dbh = await db();
    const [job] = await dbh
      .select()
      .from(outbox)
      .where(and(eq(outbox.workspaceId, ws.workspaceId), eq(outbox.kind, 'consent.changed')));
    expect(await fanOutEvent(job as Job)).toBe(2);
    expect(await fanOutEvent(job as Job)).toBe(0);
    await dbh
      .update(outbox)
      .set({ status: 'done' })
      .where(eq(outbox.id, (job as Job).id));

    const deliveries = await dbh
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.workspaceId, ws.workspaceId));
    expect(deliveries).toHaveLength(2);
    const target = deliveries[0] as (typeof deliveries)[number];
    expect(target.seq).toBe(change.ok ? change.events.at(-1)?.seq : -1);
    const again = { workspaceId: ws.workspaceId, deliveryId: target.id, attempt: 1 };
    expect(await attemptDelivery(again, NO_WAIT)).toBe('delivered');
    expect(await attemptDelivery(again, NO_WAIT)).toBe('stale');
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.headers['webhook-id']).toBe(webhookId(target.id));
    await drive();
    expect(receiver.received).toHaveLength(2);
  });

  it('an endpoint hears of what happens after it was registered, not of older events still queued', async () => {
    const ws = await makeWorkspace('webhooks-later');
    mine.add(ws.workspaceId);
    const person = await makeSubscriber(ws.workspaceId);
    await applyConsentFor({
      workspaceId: ws.workspaceId,
      subscriberId: person.id,
      source: 'api',
      changes: [
        { type: 'subscription', category: 'product-news', channel: 'push', status: 'subscribed' },
      ],
    });
    await new Promise((r) => setTimeout(r, 5));
    await createWebhookEndpoint({ workspaceId: ws.workspaceId, url: receiver.url }, NO_WAIT);
    expect(await fanOutMine()).toBe(0);
    await applyConsentFor({
      workspaceId: ws.workspaceId,
      subscriberId: person.id,
      source: 'api',
      changes: [
        { type: 'subscription', category: 'product-news', channel: 'push', status: 'unsubscribed' },
      ],
    });
    expect(await fanOutMine()).toBe(1);
  });

  it('a receiver failing twice then succeeding gets the event on the third attempt, with the same webhook-id each time; every attempt is recorded', async () => {
    const { id, secret } = await createWebhookEndpoint(
      { workspaceId, url: `${receiver.url}/flaky`, events: ['consent.changed'] },
      NO_WAIT,
    );
    let failures = 0;
    receiver.respond((_, request) =>
      request.path === '/hooks/flaky' && failures++ < 2
        ? { status: 503, body: `busy ${failures}` }
        : { status: 200, body: 'thanks' },
    );
    const person = await makeSubscriber(workspaceId);
    const change = await optIn(person.id);
    await drive();

    // The first endpoint of this workspace hears of it too; look at the flaky one's requests.
    const attempts = await listWebhookAttempts({ workspaceId, endpointId: id, limit: 10 });
    expect(attempts.map((a) => [a.attempt, a.ok, a.statusCode, a.error])).toEqual([
      [3, true, 200, null],
      [2, false, 503, 'HTTP 503'],
      [1, false, 503, 'HTTP 503'],
    ]);
    expect(attempts.every((a) => a.deliveryStatus === 'delivered')).toBe(true);
    expect(attempts.map((a) => a.responseExcerpt)).toEqual(['thanks', 'busy 2', 'busy 1']);
    expect(attempts.every((a) => a.durationMs >= 0)).toBe(true);

    const deliveryId = attempts[0]?.deliveryId as string;
    const toFlaky = receiver.received.filter((r) => r.path === '/hooks/flaky');
    expect(toFlaky.map((r) => r.headers['webhook-id'])).toEqual(
      Array(3).fill(webhookId(deliveryId)),
    );
    const verifier = new Webhook(secret);
    for (const request of toFlaky) {
      const body = verifier.verify(request.body, request.headers) as WebhookBody;
      expect(body.data.changeId).toBe(change.changeId);
    }
  });

  it('waits 5 s before the second attempt by default, and retries for about a day in all', async () => {
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(20 * 3_600_000);
    expect(total).toBeLessThan(30 * 3_600_000);
    expect(RETRY_DELAYS_MS.length + 1).toBe(9);
    expect([...RETRY_DELAYS_MS]).toEqual([...RETRY_DELAYS_MS].sort((a, b) => a - b));

    const ws = await makeWorkspace('webhooks-backoff');
    mine.add(ws.workspaceId);
    await createWebhookEndpoint({ workspaceId: ws.workspaceId, url: receiver.url }, NO_WAIT);
    receiver.respond(() => ({ status: 500 }));
    const person = await makeSubscriber(ws.workspaceId);
    await applyConsentFor({
      workspaceId: ws.workspaceId,
      subscriberId: person.id,
      source: 'api',
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
      ],
    });
    await fanOutMine();
    const dbh = await db();
    const [delivery] = await dbh
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.workspaceId, ws.workspaceId));
    await dbh
      .update(outbox)
      .set({ status: 'done' })
      .where(and(eq(outbox.workspaceId, ws.workspaceId), eq(outbox.kind, WEBHOOK_DELIVER)));
    const before = Date.now();
    const input = { workspaceId: ws.workspaceId, deliveryId: delivery?.id as string, attempt: 1 };
    expect(await attemptDelivery(input, { allowPrivate: true })).toBe('retrying');
    const [next] = await dbh
      .select()
      .from(outbox)
      .where(
        and(
          eq(outbox.workspaceId, ws.workspaceId),
          eq(outbox.kind, WEBHOOK_DELIVER),
          eq(outbox.status, 'pending'),
        ),
      );
    expect(next?.payload).toEqual({ deliveryId: delivery?.id, attempt: 2 });
    const wait = (next?.runAt.getTime() ?? 0) - before;
    expect(wait).toBeGreaterThanOrEqual(4_000);
    expect(wait).toBeLessThanOrEqual(6_000);
    await dbh
      .update(outbox)
      .set({ status: 'done' })
      .where(eq(outbox.id, next?.id as string));
  });
});

describe('private targets', () => {
  it('are refused at delivery by default (nothing reaches the receiver) and reached with the flag', async () => {
    const ws = await makeWorkspace('webhooks-private');
    mine.add(ws.workspaceId);
    // Registered while allowed; the operator turned it off since: every delivery checks again.
    await createWebhookEndpoint({ workspaceId: ws.workspaceId, url: receiver.url }, NO_WAIT);
    await createWebhookEndpoint(
      { workspaceId: ws.workspaceId, url: receiver.url.replace('127.0.0.1', 'localhost') },
      NO_WAIT,
    );
    const person = await makeSubscriber(ws.workspaceId);
    await applyConsentFor({
      workspaceId: ws.workspaceId,
      subscriberId: person.id,
      source: 'api',
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
      ],
    });
    await fanOutMine();
    const dbh = await db();
    await dbh
      .update(outbox)
      .set({ status: 'done' })
      .where(and(eq(outbox.workspaceId, ws.workspaceId), eq(outbox.kind, WEBHOOK_DELIVER)));
    const deliveries = await dbh
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.workspaceId, ws.workspaceId));
    expect(deliveries).toHaveLength(2);
    const refused = { ...NO_WAIT, allowPrivate: false };
    for (const d of deliveries) {
      const input = { workspaceId: ws.workspaceId, deliveryId: d.id, attempt: 1 };
      expect(await attemptDelivery(input, refused)).toBe('retrying');
    }
    expect(receiver.received).toHaveLength(0);
    const errors = await dbh
      .select({ error: webhookAttempts.error, statusCode: webhookAttempts.statusCode })
      .from(webhookAttempts)
      .where(eq(webhookAttempts.workspaceId, ws.workspaceId));
    expect(errors).toHaveLength(2);
    for (const e of errors) {
      expect(e.statusCode).toBeNull();
      expect(e.error).toMatch(/loopback address/);
    }
    // The name `localhost` was resolved and its address refused: the check is on what is dialled.
    expect(errors.map((e) => e.error).join('\n')).toMatch(/localhost \((127\.0\.0\.1|::1)\)/);

    for (const d of deliveries) {
      const input = { workspaceId: ws.workspaceId, deliveryId: d.id, attempt: 2 };
      expect(await attemptDelivery(input, NO_WAIT)).toBe('delivered');
    }
    expect(receiver.received).toHaveLength(2);
    await dbh
      .update(outbox)
      .set({ status: 'done' })
      .where(and(eq(outbox.workspaceId, ws.workspaceId), eq(outbox.kind, WEBHOOK_DELIVER)));
  });
});

describe('an endpoint that keeps failing', () => {
  it('is disabled once every attempt failed for 24 hours, says why in the list, and gets no more events', async () => {
    const ws = await makeWorkspace('webhooks-disable');
    mine.add(ws.workspaceId);
    const failing = await startReceiver();
    failing.respond(() => ({ status: 500, body: 'down' }));
    try {
      const { id } = await createWebhookEndpoint(
        { workspaceId: ws.workspaceId, url: failing.url },
        NO_WAIT,
      );
      const person = await makeSubscriber(ws.workspaceId);
      const dbh = await db();
      let clock = new Date('2030-01-01T00:00:00Z');
      // Each attempt by hand, on the test's clock; the scheduled jobs are not the point here.
      const attempt = async (n: number, at: Date) => {
        clock = at;
        const [delivery] = await dbh
          .select()
          .from(webhookDeliveries)
          .where(eq(webhookDeliveries.workspaceId, ws.workspaceId));
        await dbh
          .update(outbox)
          .set({ status: 'done' })
          .where(and(eq(outbox.workspaceId, ws.workspaceId), eq(outbox.kind, WEBHOOK_DELIVER)));
        return attemptDelivery(
          { workspaceId: ws.workspaceId, deliveryId: delivery?.id as string, attempt: n },
          { ...NO_WAIT, now: () => clock },
        );
      };
      await applyConsentFor({
        workspaceId: ws.workspaceId,
        subscriberId: person.id,
        source: 'api',
        changes: [
          { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
        ],
      });
      await fanOutMine();
      expect(await attempt(1, new Date('2030-01-01T00:00:00Z'))).toBe('retrying');
      expect(await attempt(2, new Date('2030-01-01T12:00:00Z'))).toBe('retrying');
      expect((await listWebhookEndpoints(ws.workspaceId))[0]?.disabledAt).toBeNull();
      expect(await attempt(3, new Date('2030-01-02T00:00:01Z'))).toBe('retrying');

      const [endpoint] = await listWebhookEndpoints(ws.workspaceId);
      expect(endpoint?.id).toBe(id);
      expect(endpoint?.disabledAt?.toISOString()).toBe('2030-01-02T00:00:01.000Z');
      expect(endpoint?.disabledReason).toMatch(/failed for 24 hours.*HTTP 500/);
      // Its pending delivery is dropped, and new events are not fanned out to it.
      expect(await attempt(4, new Date('2030-01-02T01:00:00Z'))).toBe('skipped');
      expect(failing.received).toHaveLength(3);
      await applyConsentFor({
        workspaceId: ws.workspaceId,
        subscriberId: person.id,
        source: 'api',
        changes: [
          { type: 'subscription', category: 'promotions', channel: 'sms', status: 'subscribed' },
        ],
      });
      expect(await fanOutMine()).toBe(0);
    } finally {
      await failing.close();
    }
  });

  it('is not disabled when a success came in between: only an unbroken day of failures counts', async () => {
    const ws = await makeWorkspace('webhooks-streak');
    mine.add(ws.workspaceId);
    const flaky = await startReceiver();
    let up = false;
    flaky.respond(() => (up ? { status: 200 } : { status: 502 }));
    try {
      await createWebhookEndpoint({ workspaceId: ws.workspaceId, url: flaky.url }, NO_WAIT);
      const dbh = await db();
      const deliveries: string[] = [];
      for (const channel of ['email', 'sms', 'push'] as const) {
        const person = await makeSubscriber(ws.workspaceId);
        await applyConsentFor({
          workspaceId: ws.workspaceId,
          subscriberId: person.id,
          source: 'api',
          changes: [
            { type: 'subscription', category: 'promotions', channel, status: 'subscribed' },
          ],
        });
        await fanOutMine();
        const rows = await dbh
          .select({ id: webhookDeliveries.id })
          .from(webhookDeliveries)
          .where(eq(webhookDeliveries.subscriberId, person.id));
        deliveries.push(rows[0]?.id as string);
      }
      await dbh
        .update(outbox)
        .set({ status: 'done' })
        .where(and(eq(outbox.workspaceId, ws.workspaceId), eq(outbox.kind, WEBHOOK_DELIVER)));
      const at = (iso: string) => ({ ...NO_WAIT, now: () => new Date(iso) });
      const go = (i: number, iso: string) =>
        attemptDelivery(
          { workspaceId: ws.workspaceId, deliveryId: deliveries[i] as string, attempt: 1 },
          at(iso),
        );
      expect(await go(0, '2030-02-01T00:00:00Z')).toBe('retrying');
      up = true;
      expect(await go(1, '2030-02-01T20:00:00Z')).toBe('delivered');
      up = false;
      expect(await go(2, '2030-02-02T01:00:00Z')).toBe('retrying');
      expect((await listWebhookEndpoints(ws.workspaceId))[0]?.disabledAt).toBeNull();
    } finally {
      await flaky.close();
    }
  });
});

describe('feedback and erasure', () => {
  it('delivers feedback.received and subscriber.erased; erasure clears what receivers answered about the subscriber and the comment', async () => {
    const ws = await makeWorkspace('webhooks-erasure');
    mine.add(ws.workspaceId);
    const echo = await startReceiver();
    echo.respond((_, r) => ({ status: 200, body: `got ${r.body.slice(0, 100)}` }));
    try {
      const { id, secret } = await createWebhookEndpoint(
        {
          workspaceId: ws.workspaceId,
          url: echo.url,
          events: ['feedback.received', 'subscriber.erased'],
        },
        NO_WAIT,
      );
      const person = await makeSubscriber(ws.workspaceId);
      const change = async (status: 'subscribed' | 'unsubscribed') => {
        const r = await applyConsentFor({
          workspaceId: ws.workspaceId,
          subscriberId: person.id,
          source: 'unsubscribe_page',
          changes: [{ type: 'subscription', category: 'promotions', channel: 'email', status }],
        });
        return r.ok ? (r.changeId as string) : '';
      };
      await change('subscribed');
      const optOut = await change('unsubscribed');
      expect(
        await recordFeedback({
          workspaceId: ws.workspaceId,
          subscriberId: person.id,
          changeId: optOut,
          reason: 'too_frequent',
          comment: 'Too many mails, I am Ada',
        }),
      ).toBe('recorded');
      await drive();
      // consent.changed is not in this endpoint's events: only the feedback.
      const first = bodies(echo);
      expect(first.map((b) => b.type)).toEqual(['feedback.received']);
      expect(first[0]?.data).toMatchObject({
        subscriberId: person.id,
        changeId: optOut,
        reason: 'too_frequent',
        comment: 'Too many mails, I am Ada',
        seq: 2,
      });
      const verifier = new Webhook(secret);
      expect(() =>
        verifier.verify(echo.received[0]?.body ?? '', echo.received[0]?.headers ?? {}),
      ).not.toThrow();

      const erased = await eraseSubscriber({
        workspaceId: ws.workspaceId,
        subscriberId: person.id,
        requestedBy: 'api',
      });
      const attempts = await listWebhookAttempts({
        workspaceId: ws.workspaceId,
        endpointId: id,
        limit: 10,
      });
      expect(attempts.map((a) => a.responseExcerpt)).toEqual([null]);
      await drive();
      const all = bodies(echo);
      expect(all.map((b) => b.type)).toEqual(['feedback.received', 'subscriber.erased']);
      expect(all[1]?.data).toMatchObject({
        subscriberId: person.id,
        changeId: erased.changeId,
        seq: expect.any(Number),
      });
      expect(Number(all[1]?.data.seq)).toBeGreaterThan(2);
    } finally {
      await echo.close();
    }
  });
});
