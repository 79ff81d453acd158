import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb } from '@/db/client';
import { createApiKey } from '@/domain/api-keys';
import { check } from '@/domain/check';
import { applyConsentFor } from '@/domain/consent';
import { issueLink } from '@/domain/signing-keys';
import { makeSubscriber, makeWorkspace } from '@/domain/test-fixtures';
import { postCheck } from '@/http/v1/check';
import { serveFast } from './fast-path';

/** The fast path answers exactly what the handler answers when Next mounts it. */
let server: http.Server;
let base = '';
let workspaceId = '';
let key = '';
beforeAll(async () => {
  ({ workspaceId } = await makeWorkspace('fast'));
  key = (await createApiKey({ workspaceId })).key;
  server = http.createServer((req, res) => {
    void serveFast(req, res).then((served) => {
      if (!served) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not fast');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await closeDb();
});

async function viaHandler(body: string, headers: Record<string, string>) {
  const res = await postCheck(
    new Request(`${base}/api/v1/check`, { method: 'POST', headers, body }),
  );
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}
async function viaFastPath(body: string, headers: Record<string, string>) {
  const res = await fetch(`${base}/api/v1/check`, { method: 'POST', headers, body });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

describe('the fast path', () => {
  it('answers the check exactly as the handler does: allowed, refused, invalid, unauthenticated', async () => {
    const s = await makeSubscriber(workspaceId);
    await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'api',
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
      ],
    });
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const cases: [string, Record<string, string>][] = [
      [
        JSON.stringify({ subscriber: { id: s.id }, category: 'promotions', channel: 'email' }),
        auth,
      ],
      [
        JSON.stringify({
          subscriber: { email: 'nobody@example.com' },
          category: 'promotions',
          channel: 'email',
        }),
        auth,
      ],
      [JSON.stringify({ subscriber: { id: s.id }, category: 'promotions', channel: 'fax' }), auth],
      ['{not json', auth],
      [JSON.stringify({}), { 'content-type': 'application/json' }],
    ];
    for (const [body, headers] of cases) {
      expect(await viaFastPath(body, headers)).toEqual(await viaHandler(body, headers));
    }
  });

  it('takes the RFC 8058 one-click POST and commits it before answering', async () => {
    const s = await makeSubscriber(workspaceId);
    await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'api',
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
      ],
    });
    const token = await issueLink({
      purpose: 'unsubscribe',
      workspaceId,
      subscriberId: s.id,
      channel: 'email',
    });
    const res = await fetch(`${base}/u/${token}/one-click`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('location')).toBeNull();
    expect(
      (
        await check({
          workspaceId,
          subscriber: { id: s.id },
          category: 'promotions',
          channel: 'email',
        })
      ).allowed,
    ).toBe(false);
  });

  it('hands everything else to Next, and a request asking for Next goes there', async () => {
    expect((await fetch(`${base}/api/v1/consents`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base}/api/v1/check`)).status).toBe(404);
    const routed = await fetch(`${base}/api/v1/check`, {
      method: 'POST',
      headers: { 'x-dial-route': 'next' },
      body: '{}',
    });
    expect(await routed.text()).toBe('not fast');
  });
});
