import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDb, db, dbKind } from '@/db/client';
import { createApiKey } from '@/domain/api-keys';
import { check } from '@/domain/check';
import { applyConsentFor } from '@/domain/consent';
import { recordSends } from '@/domain/sends';
import { upsertSubscriber } from '@/domain/subscribers';
import { makeSubscriber, makeWorkspace, setSubscription } from '@/domain/test-fixtures';
import { postCheckBulk } from './bulk-check';

const BASE = 'http://dial.test/api/v1/check/bulk';
const N = 100_000;

let workspaceId: string;
let checkKey: string;
let readKey: string;
let writeKey: string;
/** Subscriber number g (1..N) → its id. */
const ids: string[] = [];

/**
 * N subscribers in one statement, then their subscriptions in another, by number g:
 * g % 4 = 0 subscribed, 1 unsubscribed, 2 never subscribed, 3 subscribed but globally opted out
 * of email. (A fixture shortcut past the one door: only the projection matters to a check.)
 */
beforeAll(async () => {
  let categoryIds: Record<string, string>;
  ({ workspaceId, categoryIds } = await makeWorkspace('bulk'));
  checkKey = (await createApiKey({ workspaceId, scope: 'check' })).key;
  readKey = (await createApiKey({ workspaceId, scope: 'read' })).key;
  writeKey = (await createApiKey({ workspaceId })).key;
  const dbh = await db();
  await dbh.execute(sql`
    insert into subscribers (workspace_id, email, external_id, global_opt_outs)
    select ${workspaceId}, 'bulk' || g || '@example.com', 'ext-' || g,
           case when g % 4 = 3 then '{"email":{"own":true}}'::jsonb else '{}'::jsonb end
    from generate_series(1, ${N}) g`);
  await dbh.execute(sql`
    insert into subscriptions (workspace_id, subscriber_id, category_id, channel, status, frequency, updated_at)
    select s.workspace_id, s.id, ${categoryIds.promotions}, 'email',
           case when substr(s.external_id, 5)::int % 4 = 1 then 'unsubscribed' else 'subscribed' end,
           'instant', now()
    from subscribers s
    where s.workspace_id = ${workspaceId} and substr(s.external_id, 5)::int % 4 <> 2`);
  // As autovacuum would after a bulk load on PostgreSQL; PGlite has none, and without
  // statistics its planner joins subscriptions by scanning them once per subscriber.
  await dbh.execute(sql`analyze subscribers`);
  await dbh.execute(sql`analyze subscriptions`);
  const rows = (await dbh.execute(
    sql`select id, substr(external_id, 5)::int as g from subscribers where workspace_id = ${workspaceId} and external_id like 'ext-%'`,
  )) as unknown as { rows: { id: string; g: number }[] };
  for (const r of rows.rows) ids[r.g] = r.id;
}, 120_000);
afterAll(() => closeDb());

const EXPECTED = ['subscribed', 'unsubscribed', 'not_subscribed', 'global_opt_out'] as const;

/** The i-th reference (1..N): a permutation of the subscribers, every 10th one unknown. */
function reference(i: number): { ref: Record<string, string>; reason: string } {
  if (i % 10 === 0)
    return { ref: { email: `nobody${i}@example.com` }, reason: 'unknown_subscriber' };
  const g = ((i * 7919) % N) + 1;
  const reason = EXPECTED[g % 4] as string;
  switch (i % 3) {
    case 0:
      return { ref: { email: `BULK${g}@Example.com` }, reason }; // normalised before matching
    case 1:
      return { ref: { externalId: `ext-${g}` }, reason };
    default:
      return { ref: { id: ids[g] as string }, reason };
  }
}

function post(
  body: BodyInit | null,
  options: {
    key?: string | null;
    type?: string;
    query?: string;
    headers?: Record<string, string>;
  } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? checkKey : options.key;
  if (key) headers.authorization = `Bearer ${key}`;
  if (options.type !== '') headers['content-type'] = options.type ?? 'application/json';
  return postCheckBulk(
    new Request(`${BASE}${options.query ?? ''}`, {
      method: 'POST',
      headers,
      body,
      duplex: 'half',
    } as RequestInit),
  );
}

async function ndjsonOf(res: Response): Promise<Record<string, unknown>[]> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/x-ndjson');
  const text = await res.text();
  if (text === '') return [];
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line));
}

async function expectProblem(res: Response, status: number, type: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = await res.json();
  expect(body).toMatchObject({
    status,
    type: `urn:dial:problem:${type}`,
    detail: expect.any(String),
  });
  return body;
}

describe('POST /api/v1/check/bulk at volume', () => {
  it(`answers ${N} references in input order, unknown ones denied (JSON)`, async () => {
    const refs = Array.from({ length: N }, (_, k) => reference(k + 1));
    const body = JSON.stringify({
      category: 'promotions',
      channel: 'email',
      subscribers: refs.map((r) => r.ref),
    });
    const started = performance.now();
    const lines = await ndjsonOf(await post(body));
    const ms = performance.now() - started;
    console.log(`bulk check, ${N} refs, JSON, ${await dbKind()}: ${ms.toFixed(0)} ms`);
    expect(lines).toHaveLength(N);
    for (let k = 0; k < N; k++) {
      const line = lines[k] as { ref: Record<string, string>; allowed: boolean; reason: string };
      const want = refs[k] as (typeof refs)[number];
      if (line.reason !== want.reason) {
        expect({ k, ...line }).toEqual({ k, ref: expect.anything(), reason: want.reason });
      }
      expect(line.allowed).toBe(want.reason === 'subscribed');
    }
    // The references come back as matched: addresses normalised.
    expect(lines[2]).toMatchObject({ ref: { email: (refs[2]?.ref.email ?? '').toLowerCase() } });
    expect(lines[0]).toMatchObject({ ref: refs[0]?.ref });
    expect(lines.filter((l) => l.reason === 'unknown_subscriber')).toHaveLength(N / 10);
  });

  it(`answers ${N} references sent as NDJSON, fed in small chunks`, async () => {
    const refs = Array.from({ length: N }, (_, k) => reference(N - k));
    const bytes = new TextEncoder().encode(refs.map((r) => JSON.stringify(r.ref)).join('\n'));
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(offset, offset + 16_384));
        offset += 16_384;
      },
    });
    const started = performance.now();
    const lines = await ndjsonOf(
      await post(stream, {
        type: 'application/x-ndjson',
        query: '?category=promotions&channel=email',
      }),
    );
    const ms = performance.now() - started;
    console.log(`bulk check, ${N} refs, NDJSON, ${await dbKind()}: ${ms.toFixed(0)} ms`);
    expect(lines.map((l) => l.reason)).toEqual(refs.map((r) => r.reason));
  });
});

describe('streaming', () => {
  it('writes the first answers before the request body has ended', async () => {
    const encoder = new TextEncoder();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let ended = false;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
    });
    const refs = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, k) => JSON.stringify(reference(from + k).ref));
    const pending = post(stream);
    controller.enqueue(
      encoder.encode('{"category":"promotions","channel":"email","subscribers":['),
    );
    controller.enqueue(encoder.encode(refs(1, 5_000).join(',')));
    controller.enqueue(encoder.encode(`,${refs(5_001, 5_010).join(',')}`));

    const res = await pending;
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (text.split('\n').length <= 5_000) {
      const { done, value } = await reader.read();
      expect(done).toBe(false);
      text += decoder.decode(value, { stream: true });
    }
    expect(ended).toBe(false); // the answers came while the body was still open
    const first = text
      .split('\n')
      .slice(0, 5_000)
      .map((l) => JSON.parse(l).reason);
    expect(first).toEqual(Array.from({ length: 5_000 }, (_, k) => reference(k + 1).reason));

    controller.enqueue(encoder.encode(`,${refs(5_011, 6_000).join(',')}]}`));
    controller.close();
    ended = true;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const all = text.trimEnd().split('\n');
    expect(all.map((l) => JSON.parse(l).reason)).toEqual(
      Array.from({ length: 6_000 }, (_, k) => reference(k + 1).reason),
    );
  });

  it('stops reading when the client goes away', async () => {
    let pulled = 0;
    let cancelled = false;
    const line = `${JSON.stringify({ externalId: 'ext-1' })}\n`.repeat(1_000);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode(line));
      },
      cancel() {
        cancelled = true;
      },
    });
    const res = await post(stream, {
      type: 'application/x-ndjson',
      query: '?category=promotions&channel=email',
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    const seen = pulled;
    await vi.waitFor(() => expect(cancelled).toBe(true));
    await new Promise((r) => setTimeout(r, 50));
    expect(pulled).toBe(seen);
  });
});

describe('answers and bad input', () => {
  it('a transactional category is allowed for a subscriber Dial has never seen', async () => {
    const lines = await ndjsonOf(
      await post(
        JSON.stringify({
          category: 'order-updates',
          channel: 'email',
          subscribers: [{ email: 'never-seen@example.com' }, { externalId: 'ext-2' }],
        }),
      ),
    );
    expect(lines).toEqual([
      { ref: { email: 'never-seen@example.com' }, allowed: true, reason: 'transactional' },
      { ref: { externalId: 'ext-2' }, allowed: true, reason: 'transactional' },
    ]);
  });

  it('says when a held-back send may go, as the single check does, beside plain answers', async () => {
    const { workspaceId: ws } = await makeWorkspace('bulk-times');
    const key = (await createApiKey({ workspaceId: ws, scope: 'check' })).key;
    const subscribed = async (email: string, frequency: 'instant' | 'weekly' = 'instant') => {
      const { subscriber } = await upsertSubscriber(ws, { email });
      await setSubscription(ws, subscriber.id, { status: 'subscribed', frequency });
      return subscriber;
    };
    const weekly = await subscribed('weekly@times.example', 'weekly');
    await recordSends({
      workspaceId: ws,
      sends: [
        {
          subscriber: { id: weekly.id },
          category: 'promotions',
          channel: 'email',
          sentAt: new Date(Date.now() - 24 * 3600_000),
        },
      ],
    });
    const paused = await subscribed('paused@times.example');
    await applyConsentFor({
      workspaceId: ws,
      subscriberId: paused.id,
      source: 'preference_center',
      changes: [{ type: 'pause', until: new Date(Date.now() + 48 * 3600_000) }],
    });
    await subscribed('plain@times.example');
    const emails = [
      'plain@times.example',
      'weekly@times.example',
      'paused@times.example',
      'nobody@times.example',
      'plain@times.example',
    ];
    const lines = await ndjsonOf(
      await post(
        JSON.stringify({
          category: 'promotions',
          channel: 'email',
          subscribers: emails.map((email) => ({ email })),
        }),
        { key },
      ),
    );
    const singles = await Promise.all(
      emails.map((email) =>
        check({ workspaceId: ws, subscriber: { email }, category: 'promotions', channel: 'email' }),
      ),
    );
    expect(lines).toEqual(
      singles.map(({ allowed, reason, resumesAt, nextAllowedAt }, i) => ({
        ref: { email: emails[i] },
        allowed,
        reason,
        ...(resumesAt ? { resumesAt } : {}),
        ...(nextAllowedAt ? { nextAllowedAt } : {}),
      })),
    );
    expect(lines.map((l) => [l.reason, 'resumesAt' in l, 'nextAllowedAt' in l])).toEqual([
      ['subscribed', false, false],
      ['frequency', false, true],
      ['paused', true, true],
      ['unknown_subscriber', false, false],
      ['subscribed', false, false],
    ]);
  });

  it('options may come after the array; an empty array is an empty answer', async () => {
    const s = await makeSubscriber(workspaceId);
    const lines = await ndjsonOf(
      await post(
        JSON.stringify({ subscribers: [{ id: s.id }], channel: 'email', category: 'promotions' }),
      ),
    );
    expect(lines).toEqual([{ ref: { id: s.id }, allowed: false, reason: 'not_subscribed' }]);
    expect(
      await ndjsonOf(
        await post(JSON.stringify({ category: 'promotions', channel: 'email', subscribers: [] })),
      ),
    ).toEqual([]);
  });

  it('NDJSON: a bad line gets an error line in its place and the rest is answered', async () => {
    const body = [
      '{"externalId":"ext-4"}',
      'not json',
      '',
      '{"email":"not-an-address"}',
      '{"fax":"+14155550100"}',
      '{"externalId":"ext-1"}',
    ].join('\n');
    const lines = await ndjsonOf(
      await post(body, {
        type: 'application/x-ndjson',
        query: '?category=promotions&channel=email',
      }),
    );
    expect(lines).toEqual([
      { ref: { externalId: 'ext-4' }, allowed: true, reason: 'subscribed' },
      { line: 2, error: 'not valid JSON' },
      { line: 4, error: expect.stringMatching(/^email: /) },
      { line: 5, error: expect.stringMatching(/one of/) },
      { ref: { externalId: 'ext-1' }, allowed: false, reason: 'unsubscribed' },
    ]);
  });

  it('JSON: an element that is no reference gets an error line with its position', async () => {
    const body = `{"category":"promotions","channel":"email","subscribers":[{"externalId":"ext-4"},{"email":tru},{"phone":"12"},"ext-1",{"externalId":"ext-1"}]}`;
    expect(await ndjsonOf(await post(body))).toEqual([
      { ref: { externalId: 'ext-4' }, allowed: true, reason: 'subscribed' },
      { line: 2, error: 'not valid JSON' },
      { line: 3, error: expect.stringMatching(/^phone: /) },
      { line: 4, error: expect.stringMatching(/one of/) },
      { ref: { externalId: 'ext-1' }, allowed: false, reason: 'unsubscribed' },
    ]);
  });

  it('a JSON body broken within the first batch is a problem+json, nothing else', async () => {
    const body =
      '{"category":"promotions","channel":"email","subscribers":[{"externalId":"ext-4"} {}]}';
    await expectProblem(await post(body), 400, 'malformed');
    await expectProblem(
      await post('{"category":"promotions","channel":"email","subscribers":['),
      400,
      'malformed',
    );
  });

  it('a JSON body broken after the first batch: the answers before it, then a problem line', async () => {
    const refs = Array.from({ length: 6_000 }, (_, k) => JSON.stringify(reference(k + 1).ref));
    const body = `{"category":"promotions","channel":"email","subscribers":[${refs.join(',')} {"externalId":"ext-1"}]}`;
    const lines = await ndjsonOf(await post(body));
    expect(lines).toHaveLength(6_001);
    expect(lines.slice(0, 6_000).map((l) => l.reason)).toEqual(
      Array.from({ length: 6_000 }, (_, k) => reference(k + 1).reason),
    );
    expect(lines[6_000]).toEqual({
      problem: expect.objectContaining({ type: 'urn:dial:problem:malformed', status: 400 }),
    });
  });

  it('422 before any output for missing, invalid or unknown options', async () => {
    const refs = [{ externalId: 'ext-1' }];
    const cases: unknown[] = [
      { channel: 'email', subscribers: refs },
      { category: 'promotions', channel: 'fax', subscribers: refs },
      { category: 'nope', channel: 'email', subscribers: refs },
      { category: 'product-news', channel: 'sms', subscribers: refs },
      { category: 'promotions', channel: 'email' },
      { category: 'promotions', channel: 'email', subscribers: { email: 'a@example.com' } },
      { category: 'promotions', channel: 'email', subscribers: refs, extra: 1 },
    ];
    for (const body of cases) {
      const problem = await expectProblem(await post(JSON.stringify(body)), 422, 'validation');
      expect(problem.detail, JSON.stringify(body)).toEqual(expect.any(String));
    }
    await expectProblem(
      await post('{"externalId":"ext-1"}', {
        type: 'application/x-ndjson',
        query: '?channel=email',
      }),
      422,
      'validation',
    );
    await expectProblem(
      await post(JSON.stringify({ category: 'promotions', channel: 'sms', subscribers: refs }), {
        query: '?channel=email',
      }),
      422,
      'validation',
    );
  });

  it('401 without a valid key, 403 for a read key, a write key may', async () => {
    const body = JSON.stringify({ category: 'promotions', channel: 'email', subscribers: [] });
    await expectProblem(await post(body, { key: null }), 401, 'unauthorized');
    await expectProblem(await post(body, { key: 'dial_nope' }), 401, 'unauthorized');
    await expectProblem(await post(body, { key: readKey }), 403, 'forbidden');
    expect((await post(body, { key: writeKey })).status).toBe(200);
  });

  it('415 for another media type; 413 for a body declared too large', async () => {
    await expectProblem(await post('x', { type: 'text/plain' }), 415, 'unsupported-media-type');
    await expectProblem(
      await post('{}', { headers: { 'content-length': String(300 * 1024 * 1024) } }),
      413,
      'too-large',
    );
  });
});
