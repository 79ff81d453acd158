import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb } from '@/db/client';
import { createApiKey } from '@/domain/api-keys';
import { resetTokenBuckets } from '@/domain/rate-limit';
import { makeSubscriber, makeWorkspace } from '@/domain/test-fixtures';
import { resetConfig } from '@/platform/config';
import { postCheck } from './check';
import { postConsents } from './consents';
import { createSubscriber, getSubscriber, getSubscriberEvents } from './subscribers';

const BASE = 'http://dial.test';
type Handler = (r: Request) => Promise<Response>;

function call(
  handler: Handler,
  method: string,
  path: string,
  key: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (key) (init.headers as Record<string, string>).authorization = `Bearer ${key}`;
  if (body !== undefined) {
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  return handler(new Request(`${BASE}${path}`, init));
}

async function expectProblem(response: Response, status: number, type?: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = await response.json();
  expect(body).toMatchObject({
    status,
    title: expect.any(String),
    detail: expect.any(String),
    type: expect.stringMatching(/^urn:dial:problem:/),
  });
  if (type) expect(body.type).toBe(`urn:dial:problem:${type}`);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
  return body;
}

let workspaceId: string;
let key: string;
let checkKey: string;
let readKey: string;
let otherKey: string;
beforeAll(async () => {
  ({ workspaceId } = await makeWorkspace('api'));
  key = (await createApiKey({ workspaceId })).key;
  checkKey = (await createApiKey({ workspaceId, scope: 'check' })).key;
  readKey = (await createApiKey({ workspaceId, scope: 'read' })).key;
  const other = await makeWorkspace('api-other');
  otherKey = (await createApiKey({ workspaceId: other.workspaceId })).key;
});
afterAll(() => closeDb());

describe('authentication and scopes', () => {
  it('401 without a key, with a wrong key, or with a malformed header', async () => {
    await expectProblem(
      await call(postCheck, 'POST', '/api/v1/check', null, {}),
      401,
      'unauthorized',
    );
    await expectProblem(await call(postCheck, 'POST', '/api/v1/check', 'dial_nope', {}), 401);
    const basic = await postCheck(
      new Request(`${BASE}/api/v1/check`, {
        method: 'POST',
        headers: { authorization: 'Basic abc' },
      }),
    );
    await expectProblem(basic, 401);
  });
  it('403 when a check key tries to write or read', async () => {
    await expectProblem(
      await call(createSubscriber, 'POST', '/api/v1/subscribers', checkKey, {
        email: 'x@example.com',
      }),
      403,
      'forbidden',
    );
    await expectProblem(await call(postConsents, 'POST', '/api/v1/consents', readKey, {}), 403);
  });
});

describe('per-key rate limits', () => {
  it('answers 429 with Retry-After past the limit, per key', async () => {
    const previous = process.env.DIAL_API_RATE_LIMIT;
    process.env.DIAL_API_RATE_LIMIT = '3';
    resetConfig();
    resetTokenBuckets();
    try {
      const limited = (await createApiKey({ workspaceId, scope: 'check' })).key;
      const body = {
        subscriber: { email: 'x@example.com' },
        category: 'promotions',
        channel: 'email',
      };
      for (let i = 0; i < 3; i++)
        expect((await call(postCheck, 'POST', '/api/v1/check', limited, body)).status).toBe(200);
      const refused = await call(postCheck, 'POST', '/api/v1/check', limited, body);
      await expectProblem(refused, 429, 'rate-limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Another key has its own budget.
      expect((await call(postCheck, 'POST', '/api/v1/check', checkKey, body)).status).toBe(200);
    } finally {
      if (previous === undefined) delete process.env.DIAL_API_RATE_LIMIT;
      else process.env.DIAL_API_RATE_LIMIT = previous;
      resetConfig();
      resetTokenBuckets();
    }
  });
});

describe('POST /api/v1/subscribers', () => {
  it('creates (201) then matches (200) by email, normalised', async () => {
    const created = await call(createSubscriber, 'POST', '/api/v1/subscribers', key, {
      email: 'Ana@Example.com',
      locale: 'es',
    });
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body).toMatchObject({ id: expect.any(String), email: 'ana@example.com', locale: 'es' });
    const again = await call(createSubscriber, 'POST', '/api/v1/subscribers', key, {
      email: 'ana@example.com',
      externalId: 'crm-1',
    });
    expect(again.status).toBe(200);
    expect((await again.json()).id).toBe(body.id);
  });
  it('409 when the identifiers belong to two different subscribers', async () => {
    await call(createSubscriber, 'POST', '/api/v1/subscribers', key, { email: 'one@example.com' });
    await call(createSubscriber, 'POST', '/api/v1/subscribers', key, { phone: '+14155550111' });
    const both = await call(createSubscriber, 'POST', '/api/v1/subscribers', key, {
      email: 'one@example.com',
      phone: '+14155550111',
    });
    await expectProblem(both, 409, 'conflict');
  });
  it('422 with field errors for bad input; 400 for malformed JSON; 415 for another type', async () => {
    const bad = await expectProblem(
      await call(createSubscriber, 'POST', '/api/v1/subscribers', key, {
        email: 'not-an-address',
        phone: '555',
      }),
      422,
      'validation',
    );
    expect(bad.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'phone']);
    await expectProblem(await call(createSubscriber, 'POST', '/api/v1/subscribers', key, {}), 422);
    await expectProblem(
      await call(createSubscriber, 'POST', '/api/v1/subscribers', key, {
        email: 'a@example.com',
        extra: 1,
      }),
      422,
    );
    await expectProblem(
      await call(createSubscriber, 'POST', '/api/v1/subscribers', key, '{"email":'),
      400,
      'malformed',
    );
    await expectProblem(
      await call(createSubscriber, 'POST', '/api/v1/subscribers', key, 'email=a', {
        'content-type': 'text/plain',
      }),
      415,
    );
  });
  it('413 for a body over 1 MB, declared or not', async () => {
    const big = JSON.stringify({ email: 'a@example.com', pad: 'x'.repeat(1024 * 1024) });
    await expectProblem(
      await call(createSubscriber, 'POST', '/api/v1/subscribers', key, big),
      413,
      'too-large',
    );
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const undeclared = await createSubscriber(
      new Request(`${BASE}/api/v1/subscribers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    await expectProblem(undeclared, 413);
  });
});

describe('GET /api/v1/subscribers/{id} and /events', () => {
  it('answers the subscriber with subscriptions, and pages the ledger oldest first', async () => {
    const s = await makeSubscriber(workspaceId);
    for (const status of ['subscribed', 'unsubscribed', 'subscribed'] as const) {
      await call(postConsents, 'POST', '/api/v1/consents', key, {
        subscriber: { id: s.id },
        changes: [{ category: 'product-news', channel: 'push', status }],
      });
    }
    const got = await call(getSubscriber, 'GET', `/api/v1/subscribers/${s.id}`, readKey);
    expect(got.status).toBe(200);
    expect((await got.json()).subscriptions).toEqual([
      expect.objectContaining({
        category: 'product-news',
        channel: 'push',
        status: 'subscribed',
        kind: 'marketing',
      }),
    ]);
    const first = await (
      await call(getSubscriberEvents, 'GET', `/api/v1/subscribers/${s.id}/events?limit=2`, readKey)
    ).json();
    expect(first.events.map((e: { seq: number }) => e.seq)).toEqual([1, 2]);
    expect(first.nextCursor).toBe('2');
    const second = await (
      await call(
        getSubscriberEvents,
        'GET',
        `/api/v1/subscribers/${s.id}/events?limit=2&cursor=2`,
        readKey,
      )
    ).json();
    expect(second.events.map((e: { seq: number }) => e.seq)).toEqual([3]);
    expect(second.nextCursor).toBeNull();
    expect(second.events[0]).toMatchObject({
      category: 'product-news',
      source: 'api',
      after: { status: 'subscribed' },
    });
  });
  it('404 for an unknown id, a malformed id, and another workspace subscriber', async () => {
    const s = await makeSubscriber(workspaceId);
    await expectProblem(
      await call(
        getSubscriber,
        'GET',
        '/api/v1/subscribers/00000000-0000-4000-8000-000000000000',
        key,
      ),
      404,
      'not-found',
    );
    await expectProblem(await call(getSubscriber, 'GET', '/api/v1/subscribers/abc', key), 404);
    await expectProblem(
      await call(getSubscriber, 'GET', `/api/v1/subscribers/${s.id}`, otherKey),
      404,
    );
    await expectProblem(
      await call(getSubscriberEvents, 'GET', `/api/v1/subscribers/${s.id}/events`, otherKey),
      404,
    );
    await expectProblem(
      await call(getSubscriberEvents, 'GET', `/api/v1/subscribers/${s.id}/events?cursor=x`, key),
      422,
    );
  });
});

describe('POST /api/v1/consents', () => {
  it('applies changes and answers the events and resulting subscriptions', async () => {
    const s = await makeSubscriber(workspaceId);
    const res = await call(postConsents, 'POST', '/api/v1/consents', key, {
      subscriber: { email: s.email },
      changes: [
        { category: 'promotions', channel: 'email', status: 'subscribed', frequency: 'weekly' },
      ],
      evidence: { campaign: 'spring' },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.events).toEqual([
      expect.objectContaining({ seq: 1, category: 'promotions', channel: 'email', source: 'api' }),
    ]);
    expect(body.subscriptions).toEqual([
      expect.objectContaining({
        category: 'promotions',
        status: 'subscribed',
        frequency: 'weekly',
      }),
    ]);
  });
  it('409 refusing an opt-in over the subscriber own opt-out, and 404/422 for unknowns', async () => {
    const s = await makeSubscriber(workspaceId);
    const { applyConsentFor } = await import('@/domain/consent');
    await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'one_click',
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'unsubscribed' },
      ],
    });
    const refused = await expectProblem(
      await call(postConsents, 'POST', '/api/v1/consents', key, {
        subscriber: { id: s.id },
        changes: [{ category: 'promotions', channel: 'email', status: 'subscribed' }],
      }),
      409,
      'consent-refused',
    );
    expect(refused.refusals[0]).toMatchObject({ reason: 'own_opt_out' });
    await expectProblem(
      await call(postConsents, 'POST', '/api/v1/consents', key, {
        subscriber: { email: 'ghost@example.com' },
        changes: [{ category: 'promotions', channel: 'email', status: 'subscribed' }],
      }),
      404,
    );
    const unknownCategory = await call(postConsents, 'POST', '/api/v1/consents', key, {
      subscriber: { id: s.id },
      changes: [{ category: 'nope', channel: 'email', status: 'subscribed' }],
    });
    expect((await expectProblem(unknownCategory, 409)).refusals[0].reason).toBe('unknown_category');
    await expectProblem(
      await call(postConsents, 'POST', '/api/v1/consents', key, {
        subscriber: { id: s.id },
        changes: [{ category: 'promotions', channel: 'fax', status: 'x' }],
      }),
      422,
    );
    await expectProblem(
      await call(postConsents, 'POST', '/api/v1/consents', key, {
        subscriber: { id: s.id },
        changes: [{ category: 'promotions', channel: 'email', status: 'subscribed' }],
        evidence: { note: 'x'.repeat(5000) },
      }),
      422,
    );
  });
  it('Idempotency-Key: same key and body replays; another body is 422; the change is written once', async () => {
    const s = await makeSubscriber(workspaceId);
    const body = {
      subscriber: { id: s.id },
      changes: [{ category: 'promotions', channel: 'sms', status: 'subscribed' }],
    };
    const headers = { 'idempotency-key': `k-${s.id}` };
    const first = await call(postConsents, 'POST', '/api/v1/consents', key, body, headers);
    const second = await call(postConsents, 'POST', '/api/v1/consents', key, body, headers);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
    const different = {
      ...body,
      changes: [{ category: 'promotions', channel: 'sms', status: 'unsubscribed' }],
    };
    await expectProblem(
      await call(postConsents, 'POST', '/api/v1/consents', key, different, headers),
      422,
      'idempotency-mismatch',
    );
    const events = await (
      await call(getSubscriberEvents, 'GET', `/api/v1/subscribers/${s.id}/events`, key)
    ).json();
    expect(events.events).toHaveLength(1);
    // The same key in another workspace is another key.
    const other = await call(postConsents, 'POST', '/api/v1/consents', otherKey, body, headers);
    expect(other.status).toBe(404);
  });
  it('Idempotency-Key: a concurrent duplicate gets 409 while the first runs', async () => {
    const s = await makeSubscriber(workspaceId);
    const body = {
      subscriber: { id: s.id },
      changes: [{ category: 'promotions', channel: 'push', status: 'subscribed' }],
    };
    const headers = { 'idempotency-key': `race-${s.id}` };
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        call(postConsents, 'POST', '/api/v1/consents', key, body, headers),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.every((st) => st === 200 || st === 409)).toBe(true);
    expect(statuses).toContain(200);
    const events = await (
      await call(getSubscriberEvents, 'GET', `/api/v1/subscribers/${s.id}/events`, key)
    ).json();
    expect(events.events).toHaveLength(1);
  });
});

describe('POST /api/v1/check', () => {
  it('answers allowed, reason, status and frequency', async () => {
    const s = await makeSubscriber(workspaceId);
    await call(postConsents, 'POST', '/api/v1/consents', key, {
      subscriber: { id: s.id },
      changes: [
        { category: 'promotions', channel: 'email', status: 'subscribed', frequency: 'monthly' },
      ],
    });
    const res = await call(postCheck, 'POST', '/api/v1/check', checkKey, {
      subscriber: { email: s.email },
      category: 'promotions',
      channel: 'email',
    });
    expect(await res.json()).toEqual({
      allowed: true,
      reason: 'subscribed',
      status: 'subscribed',
      frequency: 'monthly',
    });
    const stranger = await call(postCheck, 'POST', '/api/v1/check', checkKey, {
      subscriber: { email: 'x@nowhere.example' },
      category: 'order-updates',
      channel: 'email',
    });
    expect(await stranger.json()).toMatchObject({ allowed: true, reason: 'transactional' });
    const unknown = await call(postCheck, 'POST', '/api/v1/check', checkKey, {
      subscriber: { id: s.id },
      category: 'nope',
      channel: 'email',
    });
    expect(await unknown.json()).toMatchObject({ allowed: false, reason: 'unknown_category' });
    await expectProblem(
      await call(postCheck, 'POST', '/api/v1/check', checkKey, {
        subscriber: {},
        category: 'promotions',
        channel: 'email',
      }),
      422,
    );
  });
  it("never reveals another workspace's subscriber", async () => {
    const s = await makeSubscriber(workspaceId);
    await call(postConsents, 'POST', '/api/v1/consents', key, {
      subscriber: { id: s.id },
      changes: [{ category: 'promotions', channel: 'email', status: 'subscribed' }],
    });
    const res = await call(postCheck, 'POST', '/api/v1/check', otherKey, {
      subscriber: { id: s.id },
      category: 'promotions',
      channel: 'email',
    });
    expect(await res.json()).toMatchObject({ allowed: false, reason: 'unknown_subscriber' });
    const change = await call(postConsents, 'POST', '/api/v1/consents', otherKey, {
      subscriber: { id: s.id },
      changes: [{ category: 'promotions', channel: 'email', status: 'unsubscribed' }],
    });
    expect(change.status).toBe(404);
    const still = await call(postCheck, 'POST', '/api/v1/check', key, {
      subscriber: { id: s.id },
      category: 'promotions',
      channel: 'email',
    });
    expect((await still.json()).allowed).toBe(true);
  });
});
