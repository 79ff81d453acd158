import { eq, sql } from 'drizzle-orm';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { categories, feedback } from '@/db/schema';
import { check } from '@/domain/check';
import { applyConsentFor } from '@/domain/consent';
import { issueLink, revokeSigningKey } from '@/domain/signing-keys';
import { makeSubscriber, makeWorkspace } from '@/domain/test-fixtures';
import { proxy } from '@/proxy';
import { postPreferences, postReducedPreferences } from './preferences';
import { postFeedback, postOneClick, postOptOut, postUndo } from './unsubscribe';

const BASE = 'http://dial.test';
afterAll(() => closeDb());

let workspaceId: string;
let categoryIds: Record<string, string>;
beforeAll(async () => {
  ({ workspaceId, categoryIds } = await makeWorkspace('subpages'));
});

async function subscribed(channels: ('email' | 'sms')[] = ['email']) {
  const s = await makeSubscriber(workspaceId);
  await applyConsentFor({
    workspaceId,
    subscriberId: s.id,
    source: 'api',
    changes: channels.map((channel) => ({
      type: 'subscription',
      category: 'promotions',
      channel,
      status: 'subscribed',
    })),
  });
  return s;
}

async function eventCount(subscriberId: string): Promise<number> {
  const result = (await (
    await db()
  ).execute(
    sql`select count(*)::int as n from consent_events where subscriber_id = ${subscriberId}`,
  )) as unknown as { rows: { n: number }[] };
  return result.rows[0]?.n ?? -1;
}

const promoEmail = (id: string) =>
  check({ workspaceId, subscriber: { id }, category: 'promotions', channel: 'email' });

function form(path: string, fields: Record<string, string>, multipart = false): Request {
  if (multipart) {
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    return new Request(`${BASE}${path}`, { method: 'POST', body });
  }
  return new Request(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

async function unsubscribeToken(
  subscriberId: string,
  extra: { categoryId?: string; channel?: 'email' | 'sms' } = {},
) {
  return issueLink({
    purpose: 'unsubscribe',
    workspaceId,
    subscriberId,
    categoryId: extra.categoryId ?? null,
    channel: extra.channel ?? null,
  });
}

describe('RFC 8058 one-click', () => {
  for (const multipart of [false, true]) {
    it(`opts out at once on a ${multipart ? 'multipart' : 'urlencoded'} POST: 200, no redirect, no cookie; a repeat writes nothing`, async () => {
      const s = await subscribed();
      const token = await unsubscribeToken(s.id, {
        categoryId: categoryIds.promotions,
        channel: 'email',
      });
      const path = `/u/${token}/one-click`;
      const res = await postOneClick(form(path, { 'List-Unsubscribe': 'One-Click' }, multipart));
      expect(res.status).toBe(200);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await promoEmail(s.id)).toMatchObject({ allowed: false, reason: 'unsubscribed' });
      const after = await eventCount(s.id);
      const again = await postOneClick(form(path, { 'List-Unsubscribe': 'One-Click' }, multipart));
      expect(again.status).toBe(200);
      expect(await eventCount(s.id)).toBe(after);
    });
  }

  it('refuses a POST without List-Unsubscribe=One-Click, and a bad token, changing nothing', async () => {
    const s = await subscribed();
    const token = await unsubscribeToken(s.id, { channel: 'email' });
    const before = await eventCount(s.id);
    expect((await postOneClick(form(`/u/${token}/one-click`, { other: 'x' }))).status).toBe(400);
    const tampered = `${token.slice(0, 20)}${token[20] === 'A' ? 'B' : 'A'}${token.slice(21)}`;
    expect(
      (await postOneClick(form(`/u/${tampered}/one-click`, { 'List-Unsubscribe': 'One-Click' })))
        .status,
    ).toBe(403);
    expect(await eventCount(s.id)).toBe(before);
    expect((await promoEmail(s.id)).allowed).toBe(true);
  });

  it('a token whose category no longer exists opts out of its channel', async () => {
    const { workspaceId: ws, categoryIds: ids } = await makeWorkspace('gone');
    const s = await makeSubscriber(ws);
    await applyConsentFor({
      workspaceId: ws,
      subscriberId: s.id,
      source: 'api',
      changes: [
        { type: 'subscription', category: 'product-news', channel: 'email', status: 'subscribed' },
        { type: 'subscription', category: 'promotions', channel: 'sms', status: 'subscribed' },
      ],
    });
    const token = await issueLink({
      purpose: 'unsubscribe',
      workspaceId: ws,
      subscriberId: s.id,
      categoryId: ids['product-news'] ?? null,
      channel: 'email',
    });
    await (await db())
      .update(categories)
      .set({ archivedAt: new Date() })
      .where(eq(categories.id, ids['product-news'] as string));
    expect(
      (await postOneClick(form(`/u/${token}/one-click`, { 'List-Unsubscribe': 'One-Click' })))
        .status,
    ).toBe(200);
    expect(
      await check({
        workspaceId: ws,
        subscriber: { id: s.id },
        category: 'promotions',
        channel: 'email',
      }),
    ).toMatchObject({
      reason: 'global_opt_out',
    });
    expect(
      (
        await check({
          workspaceId: ws,
          subscriber: { id: s.id },
          category: 'promotions',
          channel: 'sms',
        })
      ).allowed,
    ).toBe(true);
  });
});

describe('unsubscribe page POSTs', () => {
  it('opts out of this category, offers a single-use undo, takes feedback once', async () => {
    const s = await subscribed(['email', 'sms']);
    const token = await unsubscribeToken(s.id, {
      categoryId: categoryIds.promotions,
      channel: 'email',
    });
    const res = await postOptOut(form(`/u/${token}/opt-out`, { which: 'this', lang: 'es' }));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') as string, BASE);
    expect(location.pathname).toBe(`/u/${token}/done`);
    expect(location.searchParams.get('lang')).toBe('es');
    expect((await promoEmail(s.id)).allowed).toBe(false);
    // Only that category on that channel: SMS is untouched.
    expect(
      (
        await check({
          workspaceId,
          subscriber: { id: s.id },
          category: 'promotions',
          channel: 'sms',
        })
      ).allowed,
    ).toBe(true);

    const changeId = location.searchParams.get('change') as string;
    const fb = await postFeedback(
      form(`/u/${token}/feedback`, {
        change: changeId,
        reason: 'too_frequent',
        comment: ' Too much. ',
      }),
    );
    expect(new URL(fb.headers.get('location') as string, BASE).searchParams.get('state')).toBe(
      'thanks',
    );
    const rows = await (await db()).select().from(feedback).where(eq(feedback.changeId, changeId));
    expect(rows).toEqual([
      expect.objectContaining({ reason: 'too_frequent', comment: 'Too much.', subscriberId: s.id }),
    ]);
    await postFeedback(form(`/u/${token}/feedback`, { change: changeId, reason: 'other' }));
    expect(
      await (await db()).select().from(feedback).where(eq(feedback.changeId, changeId)),
    ).toHaveLength(1);
    const tooLong = await postFeedback(
      form(`/u/${token}/feedback`, { change: changeId, comment: 'x'.repeat(1001) }),
    );
    expect(new URL(tooLong.headers.get('location') as string, BASE).searchParams.get('state')).toBe(
      'comment-too-long',
    );

    const undo = location.searchParams.get('undo') as string;
    const undone = await postUndo(form(`/u/${token}/undo`, { undo }));
    expect(new URL(undone.headers.get('location') as string, BASE).searchParams.get('state')).toBe(
      'undone',
    );
    expect((await promoEmail(s.id)).allowed).toBe(true);
    const twice = await postUndo(form(`/u/${token}/undo`, { undo }));
    expect(new URL(twice.headers.get('location') as string, BASE).searchParams.get('state')).toBe(
      'undo-unavailable',
    );
    expect((await promoEmail(s.id)).allowed).toBe(true);
  });

  it('"everything" is a global opt-out; a confirmation mail is queued in the same transaction', async () => {
    const s = await subscribed(['email', 'sms']);
    const token = await unsubscribeToken(s.id, {
      categoryId: categoryIds.promotions,
      channel: 'email',
    });
    await postOptOut(form(`/u/${token}/opt-out`, { which: 'all' }));
    expect(
      await check({
        workspaceId,
        subscriber: { id: s.id },
        category: 'promotions',
        channel: 'sms',
      }),
    ).toMatchObject({
      reason: 'global_opt_out',
    });
    expect(
      await check({
        workspaceId,
        subscriber: { id: s.id },
        category: 'order-updates',
        channel: 'email',
      }),
    ).toMatchObject({
      allowed: true,
    });
    const jobs = (await (
      await db()
    ).execute(
      sql`select payload from outbox where kind = 'mail.optout_confirmation' and payload->>'subscriberId' = ${s.id}`,
    )) as unknown as { rows: { payload: { changeId: string; feedbackUrl: string } }[] };
    expect(jobs.rows).toHaveLength(1);
    // The mail may ask the optional question: its link leads to this opt-out's question.
    const { changeId, feedbackUrl } = jobs.rows[0]?.payload ?? { changeId: '', feedbackUrl: '' };
    expect(new URL(feedbackUrl).pathname).toBe(`/u/${token}/done`);
    expect(new URL(feedbackUrl).searchParams.get('change')).toBe(changeId);
  });

  it('refuses an undo token of another subscriber and a tampered unsubscribe token', async () => {
    const a = await subscribed();
    const b = await subscribed();
    const tokenA = await unsubscribeToken(a.id, {
      categoryId: categoryIds.promotions,
      channel: 'email',
    });
    const tokenB = await unsubscribeToken(b.id, {
      categoryId: categoryIds.promotions,
      channel: 'email',
    });
    const res = await postOptOut(form(`/u/${tokenA}/opt-out`, { which: 'this' }));
    const undo = new URL(res.headers.get('location') as string, BASE).searchParams.get(
      'undo',
    ) as string;
    const cross = await postUndo(form(`/u/${tokenB}/undo`, { undo }));
    expect(new URL(cross.headers.get('location') as string, BASE).searchParams.get('state')).toBe(
      'undo-unavailable',
    );
    expect((await promoEmail(a.id)).allowed).toBe(false);
    const before = await eventCount(b.id);
    const tampered = `${tokenB.slice(0, 30)}${tokenB[30] === 'A' ? 'B' : 'A'}${tokenB.slice(31)}`;
    const refused = await postOptOut(form(`/u/${tampered}/opt-out`, { which: 'all' }));
    expect(refused.status).toBe(303);
    expect(new URL(refused.headers.get('location') as string, BASE).pathname).toBe(
      `/u/${encodeURIComponent(tampered)}`,
    );
    expect(await eventCount(b.id)).toBe(before);
  });
});

describe('saving preferences', () => {
  const freq = (id: string) => `freq:${id}`;
  it('changes only what the person changed; opt down; pause', async () => {
    const s = await subscribed(['email']);
    const token = await issueLink({ purpose: 'preferences', workspaceId, subscriberId: s.id });
    const promo = categoryIds.promotions as string;
    const res = await postPreferences(
      form(`/p/${token}/save`, {
        [`was:sub:${promo}:email`]: 'on',
        [`sub:${promo}:email`]: 'on',
        [`was:${freq(promo)}`]: 'instant',
        [freq(promo)]: 'monthly',
        'was:pause': '',
        pause: '30',
        'was:dns': 'off',
      }),
    );
    expect(new URL(res.headers.get('location') as string, BASE).searchParams.get('notice')).toBe(
      'saved',
    );
    const answer = await promoEmail(s.id);
    expect(answer).toMatchObject({ allowed: false, reason: 'paused', frequency: 'monthly' });
  });

  it('says so instead of overwriting when another tab changed the same thing', async () => {
    const s = await subscribed(['email']);
    const token = await issueLink({ purpose: 'preferences', workspaceId, subscriberId: s.id });
    const promo = categoryIds.promotions as string;
    // The other tab unsubscribed meanwhile; this tab's form still says "was on" and asks for weekly.
    await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'preference_center',
      changes: [{ type: 'frequency', category: promo, channel: 'email', frequency: 'monthly' }],
    });
    const before = await eventCount(s.id);
    const res = await postPreferences(
      form(`/p/${token}/save`, {
        [`was:sub:${promo}:email`]: 'on',
        [`sub:${promo}:email`]: 'on',
        [`was:${freq(promo)}`]: 'instant',
        [freq(promo)]: 'weekly',
      }),
    );
    expect(new URL(res.headers.get('location') as string, BASE).searchParams.get('notice')).toBe(
      'conflict',
    );
    expect(await eventCount(s.id)).toBe(before);
    expect((await promoEmail(s.id)).frequency).toBe('monthly');
  });

  it('a stale form is asked to try again; an unsubscribe link cannot opt in through the reduce-only form', async () => {
    const s = await subscribed(['email']);
    const pref = await issueLink({ purpose: 'preferences', workspaceId, subscriberId: s.id });
    const stale = await postPreferences(
      form(`/p/${pref}/save`, { 'was:sub:00000000-0000-4000-8000-000000000000:email': 'on' }),
    );
    expect(new URL(stale.headers.get('location') as string, BASE).searchParams.get('notice')).toBe(
      'stale',
    );

    const unsub = await unsubscribeToken(s.id);
    const promo = categoryIds.promotions as string;
    const forged = await postReducedPreferences(
      form(`/u/${unsub}/save`, { [`was:sub:${promo}:sms`]: 'off', [`sub:${promo}:sms`]: 'on' }),
    );
    const location = new URL(forged.headers.get('location') as string, BASE);
    expect(location.pathname).toBe(`/u/${unsub}/less`);
    expect(location.searchParams.get('notice')).toBe('refused');
    expect(
      (
        await check({
          workspaceId,
          subscriber: { id: s.id },
          category: 'promotions',
          channel: 'sms',
        })
      ).allowed,
    ).toBe(false);
  });
});

describe('link pages (proxy)', () => {
  async function pageProblem(path: string) {
    const res = await proxy(new NextRequest(`${BASE}${path}`));
    const rewrite = res.headers.get('x-middleware-rewrite');
    return rewrite ? res.headers.get('x-middleware-request-x-dial-link-problem') : null;
  }

  it('lets a good link through and sends tampered, expired, revoked and misused ones to the 404 page with the reason', async () => {
    const s = await subscribed();
    const unsub = await unsubscribeToken(s.id);
    expect(await pageProblem(`/u/${unsub}`)).toBeNull();
    expect(await pageProblem(`/u/${unsub}/done`)).toBeNull();
    const tampered = `${unsub.slice(0, 40)}${unsub[40] === 'A' ? 'B' : 'A'}${unsub.slice(41)}`;
    expect(await pageProblem(`/u/${tampered}`)).toMatch(/bad_signature|malformed/);
    // An unsubscribe token cannot open the preference center (it could opt in there).
    expect(await pageProblem(`/p/${unsub}`)).toBe('wrong_purpose');
    const expired = await issueLink(
      { purpose: 'preferences', workspaceId, subscriberId: s.id, validForDays: 1 },
      { now: new Date(Date.now() - 3 * 86_400_000) },
    );
    expect(await pageProblem(`/p/${expired}`)).toBe('expired');

    const other = await makeWorkspace('revoked');
    const t = await makeSubscriber(other.workspaceId);
    const token = await issueLink({
      purpose: 'preferences',
      workspaceId: other.workspaceId,
      subscriberId: t.id,
    });
    expect(await pageProblem(`/p/${token}`)).toBeNull();
    await revokeSigningKey(other.workspaceId, token.split('.')[1] as string);
    expect(await pageProblem(`/p/${token}`)).toBe('revoked_key');
  });
});
