import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { subscribers } from '@/db/schema';
import { createApiKey } from '@/domain/api-keys';
import { verifyLink } from '@/domain/signing-keys';
import { makeSubscriber, makeWorkspace } from '@/domain/test-fixtures';
import { config } from '@/platform/config';
import { postLinks } from './links';
import { openApiDocument } from './openapi';

const URL_BASE = 'http://dial.test/api/v1/links';

function call(key: string | null, body: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  return postLinks(new Request(URL_BASE, { method: 'POST', headers, body: JSON.stringify(body) }));
}

async function expectProblem(response: Response, status: number, type: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = await response.json();
  expect(body).toMatchObject({
    status,
    type: `urn:dial:problem:${type}`,
    detail: expect.any(String),
  });
  return body;
}

/** The token of a link: /p/<token>, /u/<token> or /u/<token>/one-click under the base URL. */
function tokenOf(url: string, pattern: RegExp): string {
  expect(url.startsWith(config().baseUrl)).toBe(true);
  const match = pattern.exec(new URL(url).pathname);
  expect(match, url).not.toBeNull();
  return match?.[1] ?? '';
}

let workspaceId: string;
let categoryIds: Record<string, string>;
let writeKey: string;
let checkKey: string;
let readKey: string;
let otherKey: string;
beforeAll(async () => {
  ({ workspaceId, categoryIds } = await makeWorkspace('links'));
  writeKey = (await createApiKey({ workspaceId })).key;
  checkKey = (await createApiKey({ workspaceId, scope: 'check' })).key;
  readKey = (await createApiKey({ workspaceId, scope: 'read' })).key;
  const other = await makeWorkspace('links-other');
  otherKey = (await createApiKey({ workspaceId: other.workspaceId })).key;
});
afterAll(() => closeDb());

describe('POST /api/v1/links', () => {
  it('answers signed links for one category and channel, with RFC 8058 headers', async () => {
    const s = await makeSubscriber(workspaceId);
    const res = await call(checkKey, {
      subscriber: { email: s.email },
      category: 'promotions',
      channel: 'email',
    });
    expect(res.status).toBe(200);
    const links = await res.json();
    expect(Object.keys(links).sort()).toEqual([
      'headers',
      'oneClickUrl',
      'preferencesUrl',
      'unsubscribeUrl',
    ]);
    expect(links.headers).toEqual({
      'List-Unsubscribe': `<${links.oneClickUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });

    const subject = {
      workspaceId,
      subscriberId: s.id,
      categoryId: categoryIds.promotions,
      channel: 'email',
    };
    const preferences = await verifyLink(tokenOf(links.preferencesUrl, /^\/p\/([^/]+)$/), {
      workspaceId,
      purpose: 'preferences',
    });
    expect(preferences).toMatchObject({ ok: true, claims: subject });
    if (preferences.ok) expect(preferences.claims.expiresAt).not.toBeNull();

    const unsubscribeToken = tokenOf(links.unsubscribeUrl, /^\/u\/([^/]+)$/);
    const unsubscribe = await verifyLink(unsubscribeToken, { workspaceId, purpose: 'unsubscribe' });
    expect(unsubscribe).toMatchObject({ ok: true, claims: { ...subject, expiresAt: null } });
    expect(tokenOf(links.oneClickUrl, /^\/u\/([^/]+)\/one-click$/)).toBe(unsubscribeToken);

    // An unsubscribe token is not a preferences token, and the other way round.
    expect(await verifyLink(unsubscribeToken, { workspaceId, purpose: 'preferences' })).toEqual({
      ok: false,
      reason: 'wrong_purpose',
    });
  });

  it('without category and channel, the links cover every marketing category on every channel', async () => {
    const s = await makeSubscriber(workspaceId);
    const res = await call(writeKey, { subscriber: { id: s.id } });
    expect(res.status).toBe(200);
    const links = await res.json();
    const subject = { workspaceId, subscriberId: s.id, categoryId: null, channel: null };
    expect(
      await verifyLink(tokenOf(links.preferencesUrl, /^\/p\/([^/]+)$/), {
        purpose: 'preferences',
      }),
    ).toMatchObject({ ok: true, claims: subject });
    expect(
      await verifyLink(tokenOf(links.unsubscribeUrl, /^\/u\/([^/]+)$/), {
        purpose: 'unsubscribe',
      }),
    ).toMatchObject({ ok: true, claims: subject });
    expect(links.headers['List-Unsubscribe']).toBe(`<${links.oneClickUrl}>`);
  });

  it('a channel without a category scopes the links to that channel', async () => {
    const s = await makeSubscriber(workspaceId);
    const links = await (await call(checkKey, { subscriber: { id: s.id }, channel: 'sms' })).json();
    expect(
      await verifyLink(tokenOf(links.unsubscribeUrl, /^\/u\/([^/]+)$/), {
        workspaceId,
        purpose: 'unsubscribe',
      }),
    ).toMatchObject({ ok: true, claims: { categoryId: null, channel: 'sms' } });
  });

  it('401 without a valid key; 403 for a read-only key', async () => {
    const s = await makeSubscriber(workspaceId);
    await expectProblem(await call(null, { subscriber: { id: s.id } }), 401, 'unauthorized');
    await expectProblem(await call('dial_nope', { subscriber: { id: s.id } }), 401, 'unauthorized');
    await expectProblem(await call(readKey, { subscriber: { id: s.id } }), 403, 'forbidden');
  });

  it('404 for an unknown subscriber', async () => {
    await expectProblem(
      await call(checkKey, { subscriber: { email: 'ghost@example.com' } }),
      404,
      'not-found',
    );
    await expectProblem(
      await call(checkKey, { subscriber: { id: '00000000-0000-4000-8000-000000000000' } }),
      404,
      'not-found',
    );
  });

  it('404 for an erased subscriber: no fresh links name them', async () => {
    const s = await makeSubscriber(workspaceId);
    // Erasure's own path is elsewhere; here only the mark matters.
    await (await db())
      .update(subscribers)
      .set({ erasedAt: new Date() })
      .where(eq(subscribers.id, s.id));
    await expectProblem(await call(checkKey, { subscriber: { id: s.id } }), 404, 'not-found');
  });

  it("404 for another workspace's subscriber, by id or by email", async () => {
    const s = await makeSubscriber(workspaceId);
    await expectProblem(await call(otherKey, { subscriber: { id: s.id } }), 404, 'not-found');
    await expectProblem(
      await call(otherKey, { subscriber: { email: s.email }, category: 'promotions' }),
      404,
      'not-found',
    );
  });

  it('422 for an unknown category, a channel the category is not offered on, or a bad body', async () => {
    const s = await makeSubscriber(workspaceId);
    const unknown = await expectProblem(
      await call(checkKey, { subscriber: { id: s.id }, category: 'nope' }),
      422,
      'validation',
    );
    expect(unknown.detail).toContain('nope');
    const offered = await expectProblem(
      await call(checkKey, { subscriber: { id: s.id }, category: 'product-news', channel: 'sms' }),
      422,
      'validation',
    );
    expect(offered.detail).toContain('sms');
    const bad = await expectProblem(
      await call(checkKey, { subscriber: { id: s.id }, channel: 'fax', extra: true }),
      422,
      'validation',
    );
    expect(bad.errors.map((e: { path: string }) => e.path).sort()).toEqual(['(body)', 'channel']);
    await expectProblem(await call(checkKey, { category: 'promotions' }), 422, 'validation');
  });

  it('is described in the OpenAPI document', () => {
    const doc = openApiDocument();
    expect(doc.paths['/api/v1/links'].post.requestBody).toBeDefined();
    expect(doc.components.schemas.LinksRequest).toMatchObject({
      required: ['subscriber'],
      properties: { category: expect.any(Object), channel: expect.any(Object) },
    });
  });
});
