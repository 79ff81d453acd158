import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { evidence, subscribers } from '@/db/schema';
import { createApiKey } from '@/domain/api-keys';
import { verifySubscriberChain } from '@/domain/chain';
import { check } from '@/domain/check';
import { applyConsentFor } from '@/domain/consent';
import { issueLink, keyringFor } from '@/domain/signing-keys';
import { makeSubscriber, makeWorkspace } from '@/domain/test-fixtures';
import { signToken } from '@/domain/tokens';
import { getSubscriberExport, postEraseSubscriber } from '../v1/my-data';
import { downloadMyData, eraseMyData, showEraseConfirmation } from './my-data';

const BASE = 'http://dial.test';
const IP = '198.51.100.23';

afterAll(() => closeDb());

let workspaceId: string;
let otherWorkspaceId: string;
let writeKey: string;
let readKey: string;
let otherKey: string;
beforeAll(async () => {
  ({ workspaceId } = await makeWorkspace('mydata'));
  ({ workspaceId: otherWorkspaceId } = await makeWorkspace('mydata-other'));
  writeKey = (await createApiKey({ workspaceId })).key;
  readKey = (await createApiKey({ workspaceId, scope: 'read' })).key;
  otherKey = (await createApiKey({ workspaceId: otherWorkspaceId })).key;
});

/** A subscriber opted in to promotions by email, with evidence carrying an IP. */
async function subscribed(wsId = workspaceId) {
  const s = await makeSubscriber(wsId);
  await applyConsentFor({
    workspaceId: wsId,
    subscriberId: s.id,
    source: 'preference_center',
    evidence: { ip: IP, userAgent: 'TestAgent/1' },
    changes: [
      { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
    ],
  });
  return { ...s, email: s.email as string };
}

function preferencesToken(subscriberId: string, wsId = workspaceId) {
  return issueLink({ workspaceId: wsId, subscriberId, purpose: 'preferences' });
}

function download(token: string) {
  return downloadMyData(new Request(`${BASE}/p/${encodeURIComponent(token)}/data`));
}

function erase(
  token: string,
  body: string | FormData | null,
  type = 'application/x-www-form-urlencoded',
) {
  const headers: Record<string, string> = { 'x-dial-remote-addr': IP, 'user-agent': 'TestAgent/1' };
  if (typeof body === 'string') headers['content-type'] = type;
  return eraseMyData(
    new Request(`${BASE}/p/${encodeURIComponent(token)}/erase`, {
      method: 'POST',
      headers,
      body,
    }),
  );
}

async function rowOf(id: string) {
  const dbh = await db();
  const [row] = await dbh.select().from(subscribers).where(sql`${subscribers.id} = ${id}`);
  return row;
}

async function expectRefusedPage(response: Response, status: number, ...mustNotContain: string[]) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(response.headers.get('content-disposition')).toBeNull();
  expect(response.headers.get('cache-control')).toBe('no-store');
  const text = await response.text();
  expect(text).toMatch(/<h1>/);
  for (const secret of mustNotContain) expect(text).not.toContain(secret);
  return text;
}

describe('GET /p/{token}/data', () => {
  it('downloads everything with a preferences link: subscriber, subscriptions, ledger, evidence', async () => {
    const s = await subscribed();
    const response = await download(await preferencesToken(s.id));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="my-data.json"');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const data = await response.json();
    expect(data).toMatchObject({
      workspace: { name: expect.stringMatching(/^Test mydata-/) },
      subscriber: { id: s.id, email: s.email, erasedAt: null },
      subscriptions: [
        { category: 'promotions', channel: 'email', status: 'subscribed', frequency: 'instant' },
      ],
      globalOptOuts: [],
      doNotSell: false,
      generatedAt: expect.any(String),
    });
    expect(data.ledger).toEqual([
      expect.objectContaining({
        seq: 1,
        type: 'subscription',
        category: 'promotions',
        channel: 'email',
        source: 'preference_center',
        before: { status: 'none', frequency: null, ownOptOut: false },
        after: { status: 'subscribed', frequency: 'instant', ownOptOut: false },
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        occurredAt: expect.any(String),
      }),
    ]);
    expect(data.evidence).toEqual([
      expect.objectContaining({ ip: IP, userAgent: 'TestAgent/1', id: data.ledger[0].evidenceId }),
    ]);
  });

  it('refuses an unsubscribe link: it can reduce consent, never read data', async () => {
    const s = await subscribed();
    const token = await issueLink({ workspaceId, subscriberId: s.id, purpose: 'unsubscribe' });
    await expectRefusedPage(await download(token), 403, s.email, IP, s.id);
  });

  it('refuses a tampered link and a link signed by another workspace for this subscriber', async () => {
    const s = await subscribed();
    const token = await preferencesToken(s.id);
    const parts = token.split('.');
    const payload = Buffer.from(parts[2]!, 'base64url');
    payload[payload.length - 1] = (payload.at(-1)! + 1) % 256;
    const tampered = [parts[0], parts[1], payload.toString('base64url'), parts[3]].join('.');
    await expectRefusedPage(await download(tampered), 403, s.email, IP);
    await expectRefusedPage(await download(`${token.slice(0, -2)}AA`), 403, s.email, IP);
    // Signed with another workspace's key but naming this workspace: that key is not ours.
    const foreignKeys = await keyringFor(otherWorkspaceId);
    const crossSigned = signToken(foreignKeys, {
      workspaceId,
      subscriberId: s.id,
      purpose: 'preferences',
      validForDays: 1,
    });
    await expectRefusedPage(await download(crossSigned), 403, s.email, IP);
    // A genuine link of the other workspace naming this subscriber finds nobody there.
    const foreign = await preferencesToken(s.id, otherWorkspaceId);
    await expectRefusedPage(await download(foreign), 404, s.email, IP);
    await expectRefusedPage(await download('not-a-token'), 403);
  });

  it('answers 404, not data, for a valid link whose subscriber is unknown', async () => {
    const token = await preferencesToken(randomUUID());
    await expectRefusedPage(await download(token), 404);
  });
});

describe('POST /p/{token}/erase', () => {
  it('without confirm=yes goes back to the question and changes nothing', async () => {
    const s = await subscribed();
    const token = await preferencesToken(s.id);
    for (const body of ['', 'confirm=no', 'confirm=YES!', 'other=yes']) {
      const response = await erase(token, body);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(`/p/${token}?erase=confirm`);
    }
    const json = await erase(token, '{"confirm":"yes"}', 'application/json');
    expect(json.headers.get('location')).toBe(`/p/${token}?erase=confirm`);
    const row = await rowOf(s.id);
    expect(row).toMatchObject({ email: s.email, erasedAt: null });
    expect(
      await check({
        workspaceId,
        subscriber: { id: s.id },
        category: 'promotions',
        channel: 'email',
      }),
    ).toMatchObject({ allowed: true });
  });

  it('keeps the page language on both redirects', async () => {
    const s = await subscribed();
    const token = await preferencesToken(s.id);
    const back = await erase(token, 'lang=es');
    expect(back.headers.get('location')).toBe(`/p/${token}?erase=confirm&lang=es`);
    const odd = await erase(token, 'lang=%22%3E%3Cscript%3E');
    expect(odd.headers.get('location')).toBe(`/p/${token}?erase=confirm`);
    const done = await erase(token, 'lang=es&confirm=yes');
    expect(done.headers.get('location')).toBe(`/p/${token}/erased?lang=es`);
  });

  it('a GET never erases: it leads to the confirmation', async () => {
    const s = await subscribed();
    const token = await preferencesToken(s.id);
    const response = await showEraseConfirmation(
      new Request(`${BASE}/p/${encodeURIComponent(token)}/erase`),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/p/${token}?erase=confirm`);
    expect((await rowOf(s.id))?.erasedAt).toBeNull();
  });

  it('with confirm=yes erases and shows the done page; repeating it is harmless', async () => {
    const s = await subscribed();
    const token = await preferencesToken(s.id);
    const response = await erase(token, 'confirm=yes');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/p/${token}/erased`);
    const row = await rowOf(s.id);
    expect(row).toMatchObject({ email: null, phone: null });
    expect(row?.erasedAt).toBeInstanceOf(Date);
    expect(
      await check({
        workspaceId,
        subscriber: { id: s.id },
        category: 'promotions',
        channel: 'email',
      }),
    ).toMatchObject({ allowed: false, reason: 'global_opt_out' });
    expect((await verifySubscriberChain(workspaceId, s.id)).ok).toBe(true);
    // What the request leaves behind names the link, not the person.
    const dbh = await db();
    const kept = await dbh.select().from(evidence).where(sql`${evidence.subscriberId} = ${s.id}`);
    expect(kept.map((e) => e.data)).toEqual([
      {
        tokenKid: expect.stringMatching(/^k_/),
        tokenPurpose: 'preferences',
        detail: { requestedBy: 'subscriber' },
      },
    ]);
    const again = await erase(token, 'confirm=yes');
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(`/p/${token}/erased`);
    // The data download still answers, now without the person in it.
    const data = await (await download(token)).json();
    expect(data.subscriber.email).toBeNull();
    expect(data.ledger.at(-1).type).toBe('erasure');
    expect(JSON.stringify(data)).not.toContain(IP);
  });

  it('accepts a multipart form too', async () => {
    const s = await subscribed();
    const token = await preferencesToken(s.id);
    const form = new FormData();
    form.set('confirm', 'yes');
    const response = await erase(token, form);
    expect(response.headers.get('location')).toBe(`/p/${token}/erased`);
    expect((await rowOf(s.id))?.erasedAt).toBeInstanceOf(Date);
  });

  it('refuses an unsubscribe link, a tampered link and a cross-site form, changing nothing', async () => {
    const s = await subscribed();
    const unsubscribe = await issueLink({
      workspaceId,
      subscriberId: s.id,
      purpose: 'unsubscribe',
    });
    await expectRefusedPage(await erase(unsubscribe, 'confirm=yes'), 403, s.email);
    const token = await preferencesToken(s.id);
    await expectRefusedPage(await erase(`${token.slice(0, -2)}AA`, 'confirm=yes'), 403, s.email);
    const crossSite = await eraseMyData(
      new Request(`${BASE}/p/${encodeURIComponent(token)}/erase`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'sec-fetch-site': 'cross-site',
        },
        body: 'confirm=yes',
      }),
    );
    await expectRefusedPage(crossSite, 403, s.email);
    expect(await rowOf(s.id)).toMatchObject({ email: s.email, erasedAt: null });
  });

  it('refuses an oversized body with a page, changing nothing', async () => {
    const s = await subscribed();
    const token = await preferencesToken(s.id);
    const response = await erase(token, `confirm=yes&pad=${'x'.repeat(100_000)}`);
    await expectRefusedPage(response, 413);
    expect((await rowOf(s.id))?.erasedAt).toBeNull();
  });
});

describe('API: /api/v1/subscribers/{id}/erase and /export', () => {
  function api(
    handler: (r: Request) => Promise<Response>,
    method: string,
    id: string,
    action: string,
    key: string,
  ) {
    return handler(
      new Request(`${BASE}/api/v1/subscribers/${id}/${action}`, {
        method,
        headers: { authorization: `Bearer ${key}` },
      }),
    );
  }

  it('exports the same document with a read key', async () => {
    const s = await subscribed();
    const response = await api(getSubscriberExport, 'GET', s.id, 'export', readKey);
    expect(response.status).toBe(200);
    const data = await response.json();
    expect(data.subscriber).toMatchObject({ id: s.id, email: s.email });
    expect(data.ledger).toHaveLength(1);
    expect(data.evidence[0]).toMatchObject({ ip: IP });
  });

  it('erases with a write key (200 {erased: true}), twice harmlessly; a read key may not', async () => {
    const s = await subscribed();
    const denied = await api(postEraseSubscriber, 'POST', s.id, 'erase', readKey);
    expect(denied.status).toBe(403);
    expect((await rowOf(s.id))?.erasedAt).toBeNull();
    for (let i = 0; i < 2; i++) {
      const response = await api(postEraseSubscriber, 'POST', s.id, 'erase', writeKey);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ erased: true });
    }
    const row = await rowOf(s.id);
    expect(row).toMatchObject({ email: null });
    expect(row?.erasedAt).toBeInstanceOf(Date);
    const dbh = await db();
    const kept = await dbh.select().from(evidence).where(sql`${evidence.subscriberId} = ${s.id}`);
    expect(kept.map((e) => e.data)).toEqual([
      { apiKeyId: expect.any(String), detail: { requestedBy: 'api' } },
    ]);
  });

  it("answers 404 for another workspace's subscriber, an unknown id or a malformed one", async () => {
    const s = await subscribed();
    for (const [handler, method, action] of [
      [postEraseSubscriber, 'POST', 'erase'],
      [getSubscriberExport, 'GET', 'export'],
    ] as const) {
      const foreign = await api(handler, method, s.id, action, otherKey);
      expect(foreign.status).toBe(404);
      const body = await foreign.text();
      expect(body).not.toContain(s.email);
      expect(body).not.toContain(IP);
      const unknown = await api(
        handler,
        method,
        '00000000-0000-4000-8000-000000000000',
        action,
        writeKey,
      );
      expect(unknown.status).toBe(404);
      const malformed = await api(handler, method, 'nope', action, writeKey);
      expect(malformed.status).toBe(404);
    }
    expect(await rowOf(s.id)).toMatchObject({ email: s.email, erasedAt: null });
  });
});
