import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { type Frequency, sends } from '@/db/schema';
import { createApiKey } from '@/domain/api-keys';
import { applyConsentFor } from '@/domain/consent';
import { makeSubscriber, makeWorkspace } from '@/domain/test-fixtures';
import { postCheck } from './check';
import { openApiDocument } from './openapi';
import { postSends } from './sends';

const BASE = 'http://dial.test';
const MINUTE = 60_000;
const DAY = 86_400_000;

function call(
  handler: (r: Request) => Promise<Response>,
  path: string,
  key: string,
  body: unknown,
) {
  return handler(
    new Request(`${BASE}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}
const sendsCall = (body: unknown, key = checkKey) => call(postSends, '/api/v1/sends', key, body);
async function ask(body: Record<string, unknown>) {
  const res = await call(postCheck, '/api/v1/check', checkKey, body);
  expect(res.status).toBe(200);
  return res.json();
}

async function expectProblem(response: Response, status: number, type: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = await response.json();
  expect(body).toMatchObject({ status, type: `urn:dial:problem:${type}` });
  return body;
}

let workspaceId: string;
let checkKey: string;
let writeKey: string;
let readKey: string;
beforeAll(async () => {
  ({ workspaceId } = await makeWorkspace('sends-api'));
  checkKey = (await createApiKey({ workspaceId, scope: 'check' })).key;
  writeKey = (await createApiKey({ workspaceId })).key;
  readKey = (await createApiKey({ workspaceId, scope: 'read' })).key;
});
afterAll(() => closeDb());

/** A subscriber to promotions by email at this frequency, and the body of a check about it. */
async function subscriber(frequency: Frequency) {
  const s = await makeSubscriber(workspaceId);
  await applyConsentFor({
    workspaceId,
    subscriberId: s.id,
    source: 'api',
    changes: [
      {
        type: 'subscription',
        category: 'promotions',
        channel: 'email',
        status: 'subscribed',
        frequency,
      },
    ],
  });
  const promo = { subscriber: { email: s.email }, category: 'promotions', channel: 'email' };
  return { ...s, promo };
}

async function recordOne(promo: Record<string, unknown>, sentAt: Date) {
  const res = await sendsCall({ ...promo, sentAt: sentAt.toISOString() });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ received: 1, recorded: 1, duplicates: 0, rejected: [] });
}

async function sendCount(subscriberId: string) {
  const dbh = await db();
  const [row] = await dbh
    .select({ n: count() })
    .from(sends)
    .where(and(eq(sends.workspaceId, workspaceId), eq(sends.subscriberId, subscriberId)));
  return row?.n ?? 0;
}

describe('the check enforces the frequency over the sends recorded', () => {
  it('weekly: refused inside 7 days of the last send, with nextAllowedAt; allowed after', async () => {
    const recent = await subscriber('weekly');
    const sentAt = new Date(Date.now() - DAY);
    await recordOne(recent.promo, sentAt);
    expect(await ask(recent.promo)).toEqual({
      allowed: false,
      reason: 'frequency',
      status: 'subscribed',
      frequency: 'weekly',
      nextAllowedAt: new Date(sentAt.getTime() + 7 * DAY).toISOString(),
    });
    const earlier = await subscriber('weekly');
    await recordOne(earlier.promo, new Date(Date.now() - 7 * DAY - MINUTE));
    expect(await ask(earlier.promo)).toEqual({
      allowed: true,
      reason: 'subscribed',
      status: 'subscribed',
      frequency: 'weekly',
    });
  });

  it('monthly: 30 days', async () => {
    const recent = await subscriber('monthly');
    const sentAt = new Date(Date.now() - 29 * DAY);
    await recordOne(recent.promo, sentAt);
    expect(await ask(recent.promo)).toMatchObject({
      allowed: false,
      reason: 'frequency',
      nextAllowedAt: new Date(sentAt.getTime() + 30 * DAY).toISOString(),
    });
    const earlier = await subscriber('monthly');
    await recordOne(earlier.promo, new Date(Date.now() - 30 * DAY - MINUTE));
    expect(await ask(earlier.promo)).toMatchObject({ allowed: true, reason: 'subscribed' });
  });

  it('instant: never limited', async () => {
    const s = await subscriber('instant');
    for (let i = 0; i < 3; i++) await recordOne(s.promo, new Date());
    expect(await ask(s.promo)).toMatchObject({ allowed: true, reason: 'subscribed' });
  });

  it('a pause refuses until the resume time, given as resumesAt and nextAllowedAt', async () => {
    const s = await subscriber('instant');
    const until = new Date(Date.now() + 3 * DAY);
    await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'preference_center',
      changes: [{ type: 'pause', until }],
    });
    expect(await ask(s.promo)).toEqual({
      allowed: false,
      reason: 'paused',
      status: 'subscribed',
      frequency: 'instant',
      resumesAt: until.toISOString(),
      nextAllowedAt: until.toISOString(),
    });
  });

  it('transactional categories are always allowed', async () => {
    const s = await subscriber('monthly');
    const receipt = { subscriber: { id: s.id }, category: 'order-updates', channel: 'email' };
    await recordOne(receipt, new Date(Date.now() - MINUTE));
    expect(await ask(receipt)).toMatchObject({ allowed: true, reason: 'transactional' });
  });
});

describe('POST /api/v1/check with record: true', () => {
  it('records the send only when allowed; the next check in the window says frequency', async () => {
    const s = await subscriber('weekly');
    expect(await ask(s.promo)).not.toHaveProperty('recorded');
    expect(await sendCount(s.id)).toBe(0); // without record, the check writes nothing

    const first = await ask({ ...s.promo, record: true });
    expect(first).toMatchObject({ allowed: true, reason: 'subscribed', recorded: true });
    expect(first.sendId).toEqual(expect.any(String));
    expect(await sendCount(s.id)).toBe(1);

    const second = await ask({ ...s.promo, record: true });
    expect(second).toMatchObject({ allowed: false, reason: 'frequency', recorded: false });
    const next = Date.parse(second.nextAllowedAt) - Date.now();
    expect(next).toBeGreaterThan(7 * DAY - 5 * MINUTE);
    expect(next).toBeLessThanOrEqual(7 * DAY);
    expect(await sendCount(s.id)).toBe(1);
    expect(await ask(s.promo)).toMatchObject({ allowed: false, reason: 'frequency' });
  });

  it('a retry with the same messageId answers the same and records once', async () => {
    const s = await subscriber('weekly');
    const body = { ...s.promo, record: true, messageId: 'campaign-7/1' };
    const first = await ask(body);
    expect(first).toMatchObject({ allowed: true, recorded: true });
    expect(await ask(body)).toEqual(first);
    expect(await sendCount(s.id)).toBe(1);
    const other = await subscriber('weekly');
    await expectProblem(
      await call(postCheck, '/api/v1/check', checkKey, { ...body, subscriber: { id: other.id } }),
      422,
      'idempotency-mismatch',
    );
  });

  it('422 for a messageId without record: true', async () => {
    const s = await subscriber('weekly');
    const body = await expectProblem(
      await call(postCheck, '/api/v1/check', checkKey, { ...s.promo, messageId: 'm' }),
      422,
      'validation',
    );
    expect(body.errors).toEqual([{ path: 'messageId', message: expect.any(String) }]);
  });
});

describe('POST /api/v1/sends', () => {
  it('records a batch, reporting unknown subscribers and categories without failing', async () => {
    const a = await subscriber('instant');
    const b = await subscriber('instant');
    const res = await sendsCall(
      {
        sends: [
          a.promo,
          { ...b.promo, messageId: 'b-1' },
          { subscriber: { email: 'nobody@example.com' }, category: 'promotions', channel: 'email' },
          { subscriber: { id: a.id }, category: 'no-such-category', channel: 'email' },
          { subscriber: { phone: '+14155550199' }, category: 'promotions', channel: 'sms' },
        ],
      },
      writeKey,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      received: 5,
      recorded: 2,
      duplicates: 0,
      rejected: [
        { index: 2, reason: 'unknown_subscriber' },
        { index: 3, reason: 'unknown_category' },
        { index: 4, reason: 'unknown_subscriber' },
      ],
    });
  });

  it('is idempotent by messageId', async () => {
    const s = await subscriber('instant');
    const body = { ...s.promo, messageId: 'newsletter-42', sentAt: new Date().toISOString() };
    expect(await (await sendsCall(body)).json()).toMatchObject({ recorded: 1, duplicates: 0 });
    expect(await (await sendsCall(body)).json()).toMatchObject({ recorded: 0, duplicates: 1 });
    expect(await sendCount(s.id)).toBe(1);
  });

  it('refuses bad input as a whole: future sentAt, empty or oversized batches, other fields', async () => {
    const s = await subscriber('instant');
    const future = new Date(Date.now() + DAY).toISOString();
    const one = await expectProblem(
      await sendsCall({ ...s.promo, sentAt: future }),
      422,
      'validation',
    );
    expect(one.errors.map((e: { path: string }) => e.path)).toEqual(['sentAt']);
    const inBatch = await expectProblem(
      await sendsCall({ sends: [s.promo, { ...s.promo, sentAt: 'yesterday' }] }),
      422,
      'validation',
    );
    expect(inBatch.errors.map((e: { path: string }) => e.path)).toEqual(['sends.1.sentAt']);
    await expectProblem(await sendsCall({ sends: [] }), 422, 'validation');
    await expectProblem(
      await sendsCall({ sends: Array.from({ length: 10_001 }, () => s.promo) }),
      422,
      'validation',
    );
    await expectProblem(await sendsCall({ ...s.promo, extra: 1 }), 422, 'validation');
    expect(await sendCount(s.id)).toBe(0);
  });

  it('needs a check or write key', async () => {
    const s = await subscriber('instant');
    await expectProblem(await sendsCall(s.promo, readKey), 403, 'forbidden');
  });

  it('takes 10,000 sends in one call', async () => {
    const s = await subscriber('instant');
    const batch = Array.from({ length: 10_000 }, (_, i) => ({
      ...s.promo,
      messageId: `bulk-${i}`,
      sentAt: new Date(Date.now() - i * MINUTE).toISOString(),
    }));
    const res = await sendsCall({ sends: batch });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: 10_000, recorded: 10_000, rejected: [] });
  });
});

describe('OpenAPI', () => {
  it('describes /api/v1/sends, record: true and the frequency reason', () => {
    const doc = openApiDocument();
    expect(doc.paths).toHaveProperty(['/api/v1/sends', 'post']);
    const answer = doc.components.schemas.CheckAnswer;
    expect(answer.properties.reason.enum).toContain('frequency');
    expect(answer.properties).toHaveProperty('nextAllowedAt');
    expect(JSON.stringify(doc.components.schemas.CheckRequest)).toContain('"record"');
    expect(JSON.stringify(doc.components.schemas.SendsRequest)).toContain('"sentAt"');
  });
});
