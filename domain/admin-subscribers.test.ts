import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerEventCard } from '@/app/(admin)/admin/[workspace]/subscribers/[id]/timeline';
import { closeDb, db } from '@/db/client';
import {
  describeEvent,
  searchKeys,
  searchSubscribersForAdmin,
  subscriberForAdmin,
  subscriberTimeline,
  verifySubscriberForAdmin,
} from './admin-subscribers';
import { applyConsentFor } from './consent';
import { eraseSubscriber } from './erasure';
import { recordFeedback } from './feedback';
import { upsertSubscriber } from './subscribers';
import { makeSubscriber, makeWorkspace } from './test-fixtures';

beforeAll(async () => {
  await db();
});
afterAll(() => closeDb());

const subscribe = (workspaceId: string, subscriberId: string, now?: Date) =>
  applyConsentFor({
    workspaceId,
    subscriberId,
    source: 'api',
    now,
    evidence: { ip: '203.0.113.9', userAgent: 'Shop/1.0' },
    changes: [
      { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
    ],
  });

/** Updates one ledger row behind the append-only guard, as an attacker with database access would. */
async function tamper(subscriberId: string, seq: number, set: ReturnType<typeof sql>) {
  await (await db()).transaction(async (tx) => {
    await tx.execute(
      sql`alter table consent_events disable trigger consent_events_no_update_delete`,
    );
    await tx.execute(
      sql`update consent_events set ${set} where subscriber_id = ${subscriberId} and seq = ${seq}`,
    );
    await tx.execute(
      sql`alter table consent_events enable trigger consent_events_no_update_delete`,
    );
  });
}

describe('searching subscribers', () => {
  it('reads the query as the API would: address lower-cased, phone to E.164, external id, id', () => {
    expect(searchKeys('  Ann@Example.COM ')).toEqual({
      externalId: 'Ann@Example.COM',
      email: 'ann@example.com',
    });
    expect(searchKeys('+1 (415) 555-0100').phone).toBe('+14155550100');
    expect(searchKeys('0014155550100').phone).toBe('+14155550100');
    expect(searchKeys('14155550100').phone).toBe('+14155550100');
    expect(searchKeys('crm-42')).toEqual({ externalId: 'crm-42' });
    expect(searchKeys('')).toEqual({});
  });

  it('finds exact matches by email, phone or external id in this workspace only, and says when nothing matches', async () => {
    const { workspaceId } = await makeWorkspace('subs');
    const other = await makeWorkspace('subs-other');
    const email = `ann-${randomUUID().slice(0, 6)}@example.com`;
    const { subscriber: ann } = await upsertSubscriber(workspaceId, {
      email,
      phone: '+14155550100',
      externalId: 'crm-42',
    });
    // The same address in another workspace is another person, never listed here.
    await upsertSubscriber(other.workspaceId, { email, externalId: 'crm-42' });

    for (const query of [email.toUpperCase(), '+1 415 555 0100', 'crm-42', ann.id]) {
      const found = await searchSubscribersForAdmin(workspaceId, query);
      expect(
        found.results.map((r) => r.id),
        query,
      ).toEqual([ann.id]);
    }
    const none = await searchSubscribersForAdmin(workspaceId, 'nobody@example.com');
    expect(none).toMatchObject({ results: [], total: 1 });
    expect(none.lookedFor).toContain('email address nobody@example.com');
    // A prefix is not a match: exact keys only.
    expect((await searchSubscribersForAdmin(workspaceId, email.slice(0, 5))).results).toEqual([]);
    // Without a query: the newest subscribers of this workspace, and how many there are.
    const newest = await searchSubscribersForAdmin(workspaceId, '');
    expect(newest.results.map((r) => r.id)).toEqual([ann.id]);
    expect(newest.total).toBe(1);
  });

  it('lists an erased subscriber without personal data', async () => {
    const { workspaceId } = await makeWorkspace('subs-erased');
    const person = await makeSubscriber(workspaceId);
    await eraseSubscriber({ workspaceId, subscriberId: person.id, requestedBy: 'admin' });
    const found = await searchSubscribersForAdmin(workspaceId, person.id);
    expect(found.results).toEqual([
      expect.objectContaining({ id: person.id, erased: true, email: null, phone: null }),
    ]);
    const detail = await subscriberForAdmin(workspaceId, person.id);
    expect(detail).toMatchObject({ erased: true, email: null, externalId: null, phone: null });
  });
});

describe('a subscriber in the console', () => {
  it('shows current subscriptions per category and channel, opt-outs and blocks', async () => {
    const { workspaceId } = await makeWorkspace('subs-detail');
    const person = await makeSubscriber(workspaceId);
    await subscribe(workspaceId, person.id);
    await applyConsentFor({
      workspaceId,
      subscriberId: person.id,
      source: 'preference_center',
      changes: [{ type: 'global_opt_out', channel: 'sms' }],
    });
    const detail = await subscriberForAdmin(workspaceId, person.id);
    const promotions = detail?.categories.find((c) => c.slug === 'promotions');
    expect(promotions?.cells.find((c) => c.channel === 'email')).toMatchObject({
      status: 'subscribed',
      frequency: 'instant',
    });
    expect(promotions?.cells.find((c) => c.channel === 'push')?.status).toBe('none');
    expect(detail?.globalOptOuts).toEqual([{ scope: 'sms', own: true }]);
    expect(detail?.chainHead.seq).toBe(2);
  });

  it('reads the ledger newest first, a page at a time, with evidence and escaped-as-text feedback', async () => {
    const { workspaceId } = await makeWorkspace('subs-timeline');
    const person = await makeSubscriber(workspaceId);
    await subscribe(workspaceId, person.id);
    const out = await applyConsentFor({
      workspaceId,
      subscriberId: person.id,
      source: 'unsubscribe_page',
      evidence: { ip: '198.51.100.7', tokenPurpose: 'unsubscribe' },
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'unsubscribed' },
        { type: 'global_opt_out', channel: 'email' },
      ],
    });
    if (!out.ok || !out.changeId) throw new Error('opt-out refused');
    const comment = '<img src=x onerror=alert(1)>';
    expect(
      await recordFeedback({
        workspaceId,
        subscriberId: person.id,
        changeId: out.changeId,
        reason: 'too_frequent',
        comment,
      }),
    ).toBe('recorded');

    const first = await subscriberTimeline({ workspaceId, subscriberId: person.id, limit: 2 });
    expect(first.events.map((e) => e.seq)).toEqual([3, 2]);
    expect(first.olderBefore).toBe(2);
    // The change's feedback, once, with its newest event; the comment is kept as typed.
    expect(first.events[0]?.feedback).toEqual({
      reason: 'too_frequent',
      reasonWords: 'Too many messages',
      comment,
    });
    expect(first.events[1]?.feedback).toBeNull();
    expect(first.events[1]).toMatchObject({
      title: 'Unsubscribed from promotions by email',
      change: 'From subscribed (as it happens) to unsubscribed.',
      own: true,
      sourceWords: expect.stringContaining('Unsubscribe page'),
      evidence: expect.arrayContaining([
        ['IP address', '198.51.100.7'],
        ['Link used', 'unsubscribe'],
      ]),
    });
    const older = await subscriberTimeline({
      workspaceId,
      subscriberId: person.id,
      limit: 2,
      beforeSeq: first.olderBefore ?? 0,
    });
    expect(older.events.map((e) => e.seq)).toEqual([1]);
    expect(older.olderBefore).toBeNull();
    expect(older.events[0]).toMatchObject({
      title: 'Subscribed to promotions by email',
      change: 'From not subscribed to subscribed (as it happens).',
      evidence: expect.arrayContaining([['Browser (user agent)', 'Shop/1.0']]),
    });
  });

  it('renders a feedback comment and a user agent as text, never as markup', async () => {
    const { workspaceId } = await makeWorkspace('subs-xss');
    const person = await makeSubscriber(workspaceId);
    const out = await applyConsentFor({
      workspaceId,
      subscriberId: person.id,
      source: 'preference_center',
      evidence: { userAgent: '<script>alert(2)</script>' },
      changes: [{ type: 'global_opt_out', channel: 'all' }],
    });
    if (!out.ok || !out.changeId) throw new Error('opt-out refused');
    await recordFeedback({
      workspaceId,
      subscriberId: person.id,
      changeId: out.changeId,
      reason: 'other',
      comment: '<img src=x onerror=alert(1)>',
    });
    const [event] = (await subscriberTimeline({ workspaceId, subscriberId: person.id })).events;
    if (!event) throw new Error('no event');
    const html = renderToStaticMarkup(createElement(LedgerEventCard, { event }));
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
  });

  it('words every kind of event as what changed, from what to what', () => {
    expect(
      describeEvent({
        type: 'pause',
        category: null,
        channel: null,
        before: { until: null, own: false },
        after: { until: '2026-04-01T00:00:00.000Z', own: true },
      }),
    ).toEqual({
      title: 'Paused marketing messages',
      change: 'From not paused to paused until 1 Apr 2026, 00:00:00 UTC.',
      own: true,
    });
    expect(
      describeEvent({
        type: 'keyword_block',
        category: null,
        channel: 'sms',
        before: { blocked: false },
        after: { blocked: true },
      }).title,
    ).toBe('Carrier block on SMS (texted STOP)');
    expect(
      describeEvent({
        type: 'global_opt_out',
        category: null,
        channel: null,
        before: { optedOut: false, own: false },
        after: { optedOut: true, own: true },
      }).title,
    ).toBe('Opted out of everything on every channel');
    expect(
      describeEvent({
        type: 'subscription',
        category: 'news',
        categoryName: 'News',
        channel: 'email',
        before: { status: 'subscribed', frequency: 'instant', ownOptOut: false },
        after: { status: 'subscribed', frequency: 'monthly', ownOptOut: false },
      }),
    ).toMatchObject({
      title: 'Changed how often: News by email',
      change: 'From subscribed (as it happens) to subscribed (monthly).',
    });
  });

  it('says the chain is intact, then exactly which event was tampered with', async () => {
    const { workspaceId } = await makeWorkspace('subs-chain');
    const person = await makeSubscriber(workspaceId);
    await subscribe(workspaceId, person.id);
    await applyConsentFor({
      workspaceId,
      subscriberId: person.id,
      source: 'preference_center',
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'unsubscribed' },
      ],
    });
    const intact = await verifySubscriberForAdmin(workspaceId, person.id);
    const detail = await subscriberForAdmin(workspaceId, person.id);
    expect(intact).toMatchObject({ ok: true, events: 2, problems: [] });
    expect(intact?.head.hash).toBe(detail?.chainHead.hash);
    expect(intact?.head.hash).toMatch(/^[0-9a-f]{64}$/);

    // Someone rewrites the opt-out as if it never happened.
    await tamper(
      person.id,
      2,
      sql`after = '{"status":"subscribed","frequency":"instant","ownOptOut":false}'::jsonb`,
    );
    const broken = await verifySubscriberForAdmin(workspaceId, person.id);
    expect(broken?.ok).toBe(false);
    expect(broken?.problems).toEqual(['event #2: hash does not match its content']);
  });

  it('gives nothing of another workspace: detail, timeline, chain and search', async () => {
    const a = await makeWorkspace('subs-a');
    const b = await makeWorkspace('subs-b');
    const theirs = await makeSubscriber(b.workspaceId);
    await subscribe(b.workspaceId, theirs.id);
    expect(await subscriberForAdmin(a.workspaceId, theirs.id)).toBeUndefined();
    expect(
      await subscriberTimeline({ workspaceId: a.workspaceId, subscriberId: theirs.id }),
    ).toEqual({ events: [], olderBefore: null });
    expect(await verifySubscriberForAdmin(a.workspaceId, theirs.id)).toBeUndefined();
    expect((await searchSubscribersForAdmin(a.workspaceId, theirs.id)).results).toEqual([]);
    expect(await subscriberForAdmin(a.workspaceId, 'not-a-uuid')).toBeUndefined();
  });
});
