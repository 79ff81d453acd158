import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { listEvents } from '@/db/queries/subscribers';
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

async function eventsOf(subscriberId: string) {
  return listEvents(await db(), { workspaceId, subscriberId, afterSeq: 0, limit: 100 });
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
      // Over the 1 MB limit: read into the fast path's buffer only up to the limit, then refused.
      [
        JSON.stringify({
          subscriber: { id: s.id },
          category: 'promotions',
          channel: 'email',
          pad: 'x'.repeat(1024 * 1024),
        }),
        auth,
      ],
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

  it('commits one-clicks arriving together in groups, each answered after its own commit', async () => {
    const people = await Promise.all(Array.from({ length: 12 }, () => makeSubscriber(workspaceId)));
    for (const person of people) {
      await applyConsentFor({
        workspaceId,
        subscriberId: person.id,
        source: 'api',
        changes: [
          { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
        ],
      });
    }
    const tokens = await Promise.all(
      people.map((person) =>
        issueLink({
          purpose: 'unsubscribe',
          workspaceId,
          subscriberId: person.id,
          channel: 'email',
        }),
      ),
    );
    const click = (token: string) =>
      fetch(`${base}/u/${token}/one-click`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      }).then(async (res) => ({ status: res.status, body: await res.text() }));
    // Every token twice (a provider retrying), plus a forged one, all at once.
    const forged = `${(tokens[0] as string).slice(0, -3)}AAA`;
    const answers = await Promise.all([...tokens, ...tokens, forged].map(click));
    expect(answers.slice(0, 24).every((a) => a.status === 200)).toBe(true);
    expect(answers[24]?.status).toBe(403);
    for (const person of people) {
      const answer = await check({
        workspaceId,
        subscriber: { id: person.id },
        category: 'promotions',
        channel: 'email',
      });
      expect(answer.reason).toBe('global_opt_out'); // a link for the channel stops all of it
      // Exactly one opt-out event per person, however many clicks.
      const events = await eventsOf(person.id);
      expect(events.filter((e) => e.source === 'one_click')).toHaveLength(1);
    }
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
