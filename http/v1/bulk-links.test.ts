import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { createApiKey } from '@/domain/api-keys';
import { check } from '@/domain/check';
import { applyConsentFor } from '@/domain/consent';
import { eraseSubscriber } from '@/domain/erasure';
import { verifyLink } from '@/domain/signing-keys';
import { upsertSubscriber } from '@/domain/subscribers';
import { makeSubscriber, makeWorkspace } from '@/domain/test-fixtures';
import { config } from '@/platform/config';
import { postOneClick } from '../subscriber/unsubscribe';
import { postLinksBulk } from './bulk-links';

const BASE = 'http://dial.test/api/v1/links/bulk';

let workspaceId: string;
let categoryIds: Record<string, string>;
let checkKey: string;
let readKey: string;
let otherKey: string;
beforeAll(async () => {
  ({ workspaceId, categoryIds } = await makeWorkspace('bulk-links'));
  checkKey = (await createApiKey({ workspaceId, scope: 'check' })).key;
  readKey = (await createApiKey({ workspaceId, scope: 'read' })).key;
  const other = await makeWorkspace('bulk-links-other');
  otherKey = (await createApiKey({ workspaceId: other.workspaceId, scope: 'check' })).key;
});
afterAll(() => closeDb());

function post(
  body: string,
  options: { key?: string | null; type?: string; query?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    'content-type': options.type ?? 'application/json',
  };
  const key = options.key === undefined ? checkKey : options.key;
  if (key) headers.authorization = `Bearer ${key}`;
  return postLinksBulk(
    new Request(`${BASE}${options.query ?? ''}`, { method: 'POST', headers, body }),
  );
}

type Line = {
  ref?: Record<string, string>;
  preferencesUrl?: string;
  unsubscribeUrl?: string;
  oneClickUrl?: string;
  headers?: Record<string, string>;
  error?: string;
  line?: number;
};

async function linesOf(res: Response): Promise<Line[]> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/x-ndjson');
  const text = await res.text();
  return text === ''
    ? []
    : text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
}

function tokenOf(url: string | undefined, pattern: RegExp): string {
  expect(url?.startsWith(config().baseUrl)).toBe(true);
  const match = pattern.exec(new URL(url ?? '').pathname);
  expect(match, url).not.toBeNull();
  return match?.[1] ?? '';
}

/** The links on a line verify for this subscriber, category and channel, each with its purpose. */
async function expectLinksFor(
  line: Line,
  subject: { subscriberId: string; categoryId: string | null; channel: string | null },
) {
  const preferences = tokenOf(line.preferencesUrl, /^\/p\/([^/]+)$/);
  const unsubscribe = tokenOf(line.unsubscribeUrl, /^\/u\/([^/]+)$/);
  expect(tokenOf(line.oneClickUrl, /^\/u\/([^/]+)\/one-click$/)).toBe(unsubscribe);
  expect(line.headers).toEqual({
    'List-Unsubscribe': `<${line.oneClickUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  });
  const claims = { workspaceId, ...subject };
  expect(await verifyLink(preferences, { workspaceId, purpose: 'preferences' })).toMatchObject({
    ok: true,
    claims,
  });
  expect(await verifyLink(unsubscribe, { workspaceId, purpose: 'unsubscribe' })).toMatchObject({
    ok: true,
    claims: { ...claims, expiresAt: null },
  });
  // Each token has only its own power.
  expect(await verifyLink(unsubscribe, { workspaceId, purpose: 'preferences' })).toMatchObject({
    ok: false,
    reason: 'wrong_purpose',
  });
  expect(await verifyLink(preferences, { workspaceId, purpose: 'unsubscribe' })).toMatchObject({
    ok: false,
    reason: 'wrong_purpose',
  });
}

describe('POST /api/v1/links/bulk', () => {
  it('answers signed links in input order; unknown, erased and bad references in their place', async () => {
    const a = await makeSubscriber(workspaceId);
    const { subscriber: b } = await upsertSubscriber(workspaceId, {
      externalId: 'crm-77',
      phone: '+14155550177',
    });
    const erased = await makeSubscriber(workspaceId);
    await eraseSubscriber({ workspaceId, subscriberId: erased.id, requestedBy: 'api' });
    const body = JSON.stringify({
      category: 'promotions',
      channel: 'email',
      subscribers: [
        { email: (a.email ?? '').toUpperCase() },
        { email: 'ghost@example.com' },
        { id: erased.id },
        { externalId: 'crm-77' },
        { phone: 'twelve' },
        { phone: '+1 415 555 0177' },
      ],
    });
    const lines = await linesOf(await post(body));
    expect(lines).toHaveLength(6);
    const subject = (subscriberId: string) => ({
      subscriberId,
      categoryId: categoryIds.promotions as string,
      channel: 'email',
    });
    expect(lines[0]?.ref).toEqual({ email: a.email });
    await expectLinksFor(lines[0] as Line, subject(a.id));
    expect(lines[1]).toEqual({ ref: { email: 'ghost@example.com' }, error: 'unknown_subscriber' });
    expect(lines[2]).toEqual({ ref: { id: erased.id }, error: 'unknown_subscriber' });
    await expectLinksFor(lines[3] as Line, subject(b.id));
    expect(lines[4]).toEqual({ line: 5, error: expect.stringMatching(/^phone: /) });
    expect(lines[5]?.ref).toEqual({ phone: '+14155550177' });
    await expectLinksFor(lines[5] as Line, subject(b.id));
  });

  it('the one-click link it gives opts the subscriber out', async () => {
    const s = await makeSubscriber(workspaceId);
    await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'api',
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
      ],
    });
    const promo = () =>
      check({ workspaceId, subscriber: { id: s.id }, category: 'promotions', channel: 'email' });
    expect(await promo()).toMatchObject({ allowed: true });
    const [line] = await linesOf(
      await post(
        JSON.stringify({ category: 'promotions', channel: 'email', subscribers: [{ id: s.id }] }),
      ),
    );
    const res = await postOneClick(
      new Request(`http://dial.test${new URL(line?.oneClickUrl ?? '').pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      }),
    );
    expect(res.status).toBe(200);
    expect(await promo()).toMatchObject({ allowed: false, reason: 'unsubscribed' });
  });

  it('streams thousands across batches, each line for its own subscriber', async () => {
    const n = 6_500;
    const dbh = await db();
    await dbh.execute(sql`
      insert into subscribers (workspace_id, external_id)
      select ${workspaceId}, 'many-' || g from generate_series(1, ${n}) g`);
    const rows = (await dbh.execute(
      sql`select id, external_id from subscribers where workspace_id = ${workspaceId} and external_id like 'many-%'`,
    )) as unknown as { rows: { id: string; external_id: string }[] };
    const idOf = new Map(rows.rows.map((r) => [r.external_id, r.id]));
    // NDJSON, newest first, scoped to a channel through the query string.
    const refs = Array.from({ length: n }, (_, k) => ({ externalId: `many-${n - k}` }));
    const started = performance.now();
    const lines = await linesOf(
      await post(refs.map((r) => JSON.stringify(r)).join('\n'), {
        type: 'application/x-ndjson',
        query: '?channel=sms',
      }),
    );
    console.log(`bulk links, ${n} refs: ${(performance.now() - started).toFixed(0)} ms`);
    expect(lines.map((l) => l.ref)).toEqual(refs);
    for (const k of [0, 1, 4_999, 5_000, 5_001, n - 1]) {
      const line = lines[k] as Line;
      await expectLinksFor(line, {
        subscriberId: idOf.get(line.ref?.externalId ?? '') as string,
        categoryId: null,
        channel: 'sms',
      });
    }
    const tokens = new Set(lines.map((l) => l.unsubscribeUrl));
    expect(tokens.size).toBe(n);
  });

  it('without category and channel (null, or left out) the links cover every marketing category', async () => {
    const s = await makeSubscriber(workspaceId);
    for (const body of [
      { category: null, channel: null, subscribers: [{ id: s.id }] },
      { subscribers: [{ id: s.id }] },
    ]) {
      const [line] = await linesOf(await post(JSON.stringify(body)));
      await expectLinksFor(line as Line, { subscriberId: s.id, categoryId: null, channel: null });
    }
  });

  it("another workspace's subscriber is unknown", async () => {
    const s = await makeSubscriber(workspaceId);
    const lines = await linesOf(
      await post(JSON.stringify({ subscribers: [{ id: s.id }, { email: s.email }] }), {
        key: otherKey,
      }),
    );
    expect(lines.map((l) => l.error)).toEqual(['unknown_subscriber', 'unknown_subscriber']);
  });

  it('422 for an unknown category or a channel it is not offered on; 401; 403 for a read key', async () => {
    const refs = [{ email: 'x@example.com' }];
    for (const body of [
      { category: 'nope', subscribers: refs },
      { category: 'product-news', channel: 'sms', subscribers: refs },
      { channel: 'fax', subscribers: refs },
    ]) {
      const res = await post(JSON.stringify(body));
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await post(JSON.stringify({ subscribers: refs }), { key: null })).status).toBe(401);
    expect((await post(JSON.stringify({ subscribers: refs }), { key: readKey })).status).toBe(403);
  });

  it('more than 100,000 references held for options that never come: 413 before any output', async () => {
    const body = `{"subscribers":[${'{"externalId":"x"},'.repeat(100_000)}{"externalId":"x"}]}`;
    const res = await post(body);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});
