import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, type Db, db } from '@/db/client';
import type { Source } from '@/db/schema';
import { AdminAccessError } from './admin-guard';
import { createAdmin } from './admins';
import {
  type AnalyticsQuery,
  analyticsForAdmin,
  bucketStart,
  bucketsOf,
  parseAnalyticsQuery,
  periodOf,
  workspaceAnalytics,
} from './analytics';
import { applyConsentFor } from './consent';
import { recordFeedback } from './feedback';
import { recordLinkVisits } from './link-visits';
import { makeSubscriber, makeWorkspace } from './test-fixtures';
import type { ConsentChange } from './transitions';

// Opening and migrating the database is slow on a busy machine: a hook's time, not a test's.
beforeAll(async () => {
  await db();
});
afterAll(() => closeDb());

const NOW = new Date('2026-03-20T12:00:00Z');
const BROWSER = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Safari/604.1';
const HOSTILE = '<img src=x onerror=alert(1)>';

async function change(
  workspaceId: string,
  subscriberId: string,
  source: Source,
  when: string,
  changes: ConsentChange[],
) {
  const result = await applyConsentFor({
    workspaceId,
    subscriberId,
    source,
    reduceOnly: source === 'unsubscribe_page' || source === 'one_click',
    now: new Date(when),
    changes,
  });
  if (!result.ok || !result.changeId)
    throw new Error(`refused or unchanged: ${JSON.stringify(result)}`);
  return result.changeId;
}

const sub = (category: string, channel: 'email' | 'sms' | 'push', status = 'subscribed') =>
  ({ type: 'subscription', category, channel, status }) as ConsentChange;

const analytics = (workspaceId: string, query: Partial<AnalyticsQuery> = {}, database?: Db) =>
  workspaceAnalytics(workspaceId, { range: '90', ...query }, { now: NOW, database });

/** A ledger made by hand: each movement placed in a known month, plus what must not count. */
async function movementsLedger() {
  const made = await makeWorkspace('an');
  const { workspaceId: w } = made;
  const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => makeSubscriber(w)));
  if (!a || !b || !c || !d) throw new Error('no subscribers');
  // A: in (Jan), down (Feb: a lower frequency), out (Mar).
  await change(w, a.id, 'api', '2026-01-05T10:00:00Z', [sub('promotions', 'email')]);
  await change(w, a.id, 'unsubscribe_page', '2026-02-10T10:00:00Z', [
    { type: 'frequency', category: 'promotions', channel: 'email', frequency: 'monthly' },
  ]);
  await change(w, a.id, 'unsubscribe_page', '2026-03-02T10:00:00Z', [
    sub('promotions', 'email', 'unsubscribed'),
  ]);
  // B: in on the last evening of January (UTC), then out of everything in February.
  await change(w, b.id, 'api', '2026-01-31T23:30:00Z', [sub('product-news', 'push')]);
  await change(w, b.id, 'unsubscribe_page', '2026-02-15T09:00:00Z', [
    { type: 'global_opt_out', channel: 'all' },
  ]);
  // C: in before the period (not counted), a pause in March (down), a resume (not counted).
  await change(w, c.id, 'api', '2025-12-01T10:00:00Z', [sub('promotions', 'sms')]);
  await change(w, c.id, 'preference_center', '2026-03-05T10:00:00Z', [
    { type: 'pause', until: new Date('2026-04-05T00:00:00Z') },
  ]);
  await change(w, c.id, 'preference_center', '2026-03-06T10:00:00Z', [{ type: 'resume' }]);
  // D: in (Feb); a hard bounce stops email, which is no person's choice (not counted).
  await change(w, d.id, 'api', '2026-02-20T10:00:00Z', [sub('promotions', 'email')]);
  await change(w, d.id, 'bounce', '2026-02-21T10:00:00Z', [
    { type: 'global_opt_out', channel: 'email' },
  ]);

  // Another workspace, busy in the same months: never counted above.
  const other = await makeWorkspace('an-other');
  const e = await makeSubscriber(other.workspaceId);
  await change(other.workspaceId, e.id, 'api', '2026-01-10T10:00:00Z', [
    sub('promotions', 'email'),
  ]);
  await change(other.workspaceId, e.id, 'unsubscribe_page', '2026-02-10T10:00:00Z', [
    { type: 'global_opt_out', channel: 'all' },
  ]);
  return { ...made, other };
}

describe('analytics: opt-ins, opt-outs and opt-downs', () => {
  it('counts each movement in its month, by category and by channel, and nothing of another workspace', async () => {
    const { workspaceId, categoryIds, other } = await movementsLedger();
    const data = await analytics(workspaceId, { group: 'month' });
    expect(data.period.from.toISOString()).toBe('2025-12-21T00:00:00.000Z');
    expect(
      data.series.map(({ bucket, in: i, out, down }) => ({ bucket, in: i, out, down })),
    ).toEqual([
      { bucket: '2025-12-01', in: 0, out: 0, down: 0 },
      { bucket: '2026-01-01', in: 2, out: 0, down: 0 },
      { bucket: '2026-02-01', in: 1, out: 1, down: 1 },
      { bucket: '2026-03-01', in: 0, out: 1, down: 1 },
    ]);
    expect(data.series.map((p) => p.label)).toEqual([
      'Dec 2025',
      'Jan 2026',
      'Feb 2026',
      'Mar 2026',
    ]);
    expect(data.totals).toEqual({ in: 3, out: 2, down: 2 });

    const byCategory = Object.fromEntries(
      data.byCategory.map(({ key, in: i, out, down }) => [key, { in: i, out, down }]),
    );
    expect(byCategory).toEqual({
      [categoryIds.promotions as string]: { in: 2, out: 1, down: 1 },
      [categoryIds['product-news'] as string]: { in: 1, out: 0, down: 0 },
      all: { in: 0, out: 1, down: 1 },
    });
    const byChannel = Object.fromEntries(
      data.byChannel.map(({ key, in: i, out, down }) => [key, { in: i, out, down }]),
    );
    expect(byChannel).toEqual({
      email: { in: 2, out: 1, down: 1 },
      push: { in: 1, out: 0, down: 0 },
      all: { in: 0, out: 1, down: 1 },
    });

    // The other workspace sees only its own two movements.
    expect((await analytics(other.workspaceId, { group: 'month' })).totals).toEqual({
      in: 1,
      out: 1,
      down: 0,
    });
  });

  it('filters by category and by channel; a category of another workspace filters nothing in', async () => {
    const { workspaceId, categoryIds, other } = await movementsLedger();
    const promotions = await analytics(workspaceId, {
      group: 'month',
      category: categoryIds.promotions,
    });
    expect(promotions.series.map((p) => [p.in, p.out, p.down])).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [1, 0, 1],
      [0, 1, 0],
    ]);
    const push = await analytics(workspaceId, { group: 'week', channel: 'push' });
    expect(push.totals).toEqual({ in: 1, out: 0, down: 0 });
    // Saturday 31 January falls in the ISO week that starts on Monday 26 January.
    expect(push.series.find((p) => p.in > 0)?.bucket).toBe('2026-01-26');

    const foreign = await analytics(workspaceId, {
      group: 'month',
      category: other.categoryIds.promotions,
    });
    expect(foreign.filters.categoryId).toBeNull();
    expect(foreign.totals).toEqual({ in: 3, out: 2, down: 2 });
  });

  it('cuts buckets in UTC whatever the database session time zone', async () => {
    const { workspaceId } = await movementsLedger();
    const dbh = await db();
    // UTC+14: 23:30 on 31 January UTC is already 1 February there.
    const series = await dbh.transaction(async (tx) => {
      await tx.execute(sql`set local time zone 'Pacific/Kiritimati'`);
      return (await analytics(workspaceId, { group: 'month' }, tx as unknown as Db)).series;
    });
    expect(series.map((p) => [p.bucket, p.in])).toEqual([
      ['2025-12-01', 0],
      ['2026-01-01', 2],
      ['2026-02-01', 1],
      ['2026-03-01', 0],
    ]);
  });

  it('shows an empty period as zeros in every bucket', async () => {
    const { workspaceId } = await makeWorkspace('an-empty');
    const data = await analytics(workspaceId, { range: '30' });
    expect(data.period.unit).toBe('day');
    expect(data.series).toHaveLength(30);
    expect(data.series.every((p) => p.in + p.out + p.down === 0)).toBe(true);
    expect(data.visits.visits).toBe(0);
    expect(data.saveRate).toBeNull();
    expect(data.reasons).toEqual([]);
    expect(data.comments).toEqual([]);
  });
});

describe('analytics: link opens and the save rate', () => {
  const T = new Date('2026-03-10T12:00:00Z');
  const plus = (minutes: number) => new Date(T.getTime() + minutes * 60_000).toISOString();

  async function visitsLedger() {
    const made = await makeWorkspace('an-visits');
    const { workspaceId: w, categoryIds } = made;
    const people = await Promise.all(Array.from({ length: 10 }, () => makeSubscriber(w)));
    for (const p of people)
      await change(w, p.id, 'api', '2026-03-01T10:00:00Z', [sub('promotions', 'email')]);
    const [p1, p2, p3, p4, p5, p7, p8, p9, p10] = people.map((p) => p.id) as string[];
    const link = (subscriberId: string, issuedAt: Date) => ({
      workspaceId: w,
      subscriberId,
      categoryId: categoryIds.promotions as string,
      channel: 'email' as const,
      issuedAt,
    });
    const issued = new Date(T.getTime() - 3 * 3_600_000);
    await recordLinkVisits([
      // P1: a scanner announcing itself an hour before; the person, then an opt-out: left.
      {
        page: 'unsubscribe',
        claims: link(p1 as string, issued),
        userAgent: 'Mozilla/5.0 (compatible; Barracuda Sentinel)',
        at: new Date(T.getTime() - 3_600_000),
      },
      { page: 'unsubscribe', claims: link(p1 as string, issued), userAgent: BROWSER, at: T },
      // P2: "send me less", then a lower frequency: saved.
      { page: 'less', claims: link(p2 as string, issued), userAgent: BROWSER, at: T },
      // P3: a pause two hours later: saved.
      { page: 'unsubscribe', claims: link(p3 as string, issued), userAgent: BROWSER, at: T },
      // P4: chose less, then left anyway: left, not saved.
      { page: 'unsubscribe', claims: link(p4 as string, issued), userAgent: BROWSER, at: T },
      // P5: looked, did nothing: a suspected scanner.
      { page: 'unsubscribe', claims: link(p5 as string, issued), userAgent: BROWSER, at: T },
      // P7: five seconds after the link was made: a scanner, whatever its user agent.
      {
        page: 'unsubscribe',
        claims: link(p7 as string, new Date(T.getTime() - 5_000)),
        userAgent: BROWSER,
        at: T,
      },
      // P8: an opt-out 25 hours later is outside the window: nothing followed.
      { page: 'unsubscribe', claims: link(p8 as string, issued), userAgent: BROWSER, at: T },
      // P9: the preferences, then an opt-in: a person, but not one who came to leave.
      { page: 'preferences', claims: link(p9 as string, issued), userAgent: BROWSER, at: T },
      // P10: two hours ago, nothing yet: too early to tell.
      {
        page: 'unsubscribe',
        claims: link(p10 as string, issued),
        userAgent: BROWSER,
        at: new Date(NOW.getTime() - 2 * 3_600_000),
      },
    ]);
    await change(w, p1 as string, 'unsubscribe_page', plus(5), [
      sub('promotions', 'email', 'unsubscribed'),
    ]);
    await change(w, p2 as string, 'unsubscribe_page', plus(10), [
      { type: 'frequency', category: 'promotions', channel: 'email', frequency: 'monthly' },
    ]);
    await change(w, p3 as string, 'unsubscribe_page', plus(120), [
      { type: 'pause', until: new Date('2026-04-10T00:00:00Z') },
    ]);
    await change(w, p4 as string, 'unsubscribe_page', plus(30), [
      { type: 'frequency', category: 'promotions', channel: 'email', frequency: 'monthly' },
    ]);
    await change(w, p4 as string, 'unsubscribe_page', plus(60), [
      { type: 'global_opt_out', channel: 'all' },
    ]);
    await change(w, p8 as string, 'unsubscribe_page', plus(25 * 60), [
      sub('promotions', 'email', 'unsubscribed'),
    ]);
    await change(w, p9 as string, 'preference_center', plus(3), [sub('product-news', 'email')]);

    // Another workspace's opens and opt-outs, at the same time.
    const other = await makeWorkspace('an-visits-other');
    const stranger = await makeSubscriber(other.workspaceId);
    await change(other.workspaceId, stranger.id, 'api', '2026-03-01T10:00:00Z', [
      sub('promotions', 'email'),
    ]);
    await recordLinkVisits([
      {
        page: 'unsubscribe',
        claims: {
          workspaceId: other.workspaceId,
          subscriberId: stranger.id,
          categoryId: other.categoryIds.promotions as string,
          channel: 'email',
          issuedAt: issued,
        },
        userAgent: BROWSER,
        at: T,
      },
    ]);
    await change(other.workspaceId, stranger.id, 'unsubscribe_page', plus(5), [
      { type: 'global_opt_out', channel: 'all' },
    ]);
    return made;
  }

  it('tells people from suspected scanners, and counts the save rate of the people who came to leave', async () => {
    const { workspaceId } = await visitsLedger();
    const data = await analytics(workspaceId);
    expect(data.visits).toEqual({
      visits: 10,
      people: 5,
      scannerAgent: 1,
      tooFast: 1,
      noAction: 2,
      tooEarly: 1,
      cameToLeave: 4,
      saved: 2,
      left: 2,
    });
    expect(data.saveRate).toBe(0.5);
  });

  it('applies the category and channel filters to the links opened', async () => {
    const { workspaceId, categoryIds } = await visitsLedger();
    expect((await analytics(workspaceId, { channel: 'sms' })).visits.visits).toBe(0);
    expect(
      (await analytics(workspaceId, { category: categoryIds['product-news'] })).visits.visits,
    ).toBe(0);
    expect(
      (await analytics(workspaceId, { category: categoryIds.promotions, channel: 'email' })).visits
        .cameToLeave,
    ).toBe(4);
  });
});

describe('analytics: feedback', () => {
  it('counts reasons and lists comments, newest first, by the date of the opt-out, in this workspace only', async () => {
    const { workspaceId: w, categoryIds } = await makeWorkspace('an-fb');
    const people = await Promise.all(Array.from({ length: 5 }, () => makeSubscriber(w)));
    const [f1, f2, f3, f4, f5] = people.map((p) => p.id) as string[];
    for (const id of [f1, f3, f4, f5] as string[])
      await change(w, id, 'api', '2025-10-01T10:00:00Z', [
        sub('promotions', 'email'),
        sub('product-news', 'email'),
      ]);
    const answer = async (
      subscriberId: string,
      changeId: string,
      reason?: string,
      comment?: string,
    ) =>
      expect(
        await recordFeedback({ workspaceId: w, subscriberId, changeId, reason, comment }),
      ).toBe('recorded');
    await answer(
      f1 as string,
      await change(w, f1 as string, 'unsubscribe_page', '2026-03-02T10:00:00Z', [
        sub('promotions', 'email', 'unsubscribed'),
      ]),
      'too_frequent',
      HOSTILE,
    );
    await answer(
      f2 as string,
      await change(w, f2 as string, 'unsubscribe_page', '2026-02-15T10:00:00Z', [
        { type: 'global_opt_out', channel: 'all' },
      ]),
      'not_relevant',
    );
    await answer(
      f3 as string,
      await change(w, f3 as string, 'unsubscribe_page', '2026-03-03T10:00:00Z', [
        sub('product-news', 'email', 'unsubscribed'),
      ]),
      'too_frequent',
      'Less please',
    );
    // Before the period: not counted.
    await answer(
      f4 as string,
      await change(w, f4 as string, 'unsubscribe_page', '2025-11-01T10:00:00Z', [
        sub('promotions', 'email', 'unsubscribed'),
      ]),
      'privacy',
      'Old news',
    );
    await answer(
      f5 as string,
      await change(w, f5 as string, 'unsubscribe_page', '2026-03-04T10:00:00Z', [
        sub('product-news', 'email', 'unsubscribed'),
      ]),
      undefined,
      'Just because',
    );
    // Another workspace's answer, in the same period.
    const other = await makeWorkspace('an-fb-other');
    const stranger = await makeSubscriber(other.workspaceId);
    const otherChange = await change(
      other.workspaceId,
      stranger.id,
      'unsubscribe_page',
      '2026-03-02T10:00:00Z',
      [{ type: 'global_opt_out', channel: 'all' }],
    );
    await recordFeedback({
      workspaceId: other.workspaceId,
      subscriberId: stranger.id,
      changeId: otherChange,
      reason: 'privacy',
      comment: 'Not yours',
    });

    const data = await analytics(w);
    expect(data.reasons).toEqual([
      { reason: 'too_frequent', label: 'Too many messages', count: 2 },
      { reason: 'not_relevant', label: 'Not relevant to me', count: 1 },
      { reason: 'none', label: 'No reason given', count: 1 },
    ]);
    expect(data.comments.map((c) => [c.comment, c.reasonLabel, c.optedOutAt])).toEqual([
      ['Just because', 'No reason given', '2026-03-04T10:00:00Z'],
      ['Less please', 'Too many messages', '2026-03-03T10:00:00Z'],
      [HOSTILE, 'Too many messages', '2026-03-02T10:00:00Z'],
    ]);

    const promotions = await analytics(w, { category: categoryIds.promotions });
    expect(promotions.reasons).toEqual([
      { reason: 'too_frequent', label: 'Too many messages', count: 1 },
    ]);
    expect(promotions.comments.map((c) => c.comment)).toEqual([HOSTILE]);
  });
});

describe('analytics: who may read them', () => {
  it('any member of the workspace, a viewer included; an admin of another workspace gets not_found; nobody signed in, unauthenticated', async () => {
    const mine = await makeWorkspace('an-role');
    const theirs = await makeWorkspace('an-role-other');
    const viewer = await createAdmin({
      email: `an-viewer-${randomUUID().slice(0, 8)}@example.com`,
      workspaceSlug: mine.workspace.slug,
      role: 'viewer',
    });
    const stranger = await createAdmin({
      email: `an-owner-${randomUUID().slice(0, 8)}@example.com`,
      workspaceSlug: theirs.workspace.slug,
      role: 'owner',
    });
    const query = { range: '30' } as const;
    const read = await analyticsForAdmin({
      session: { adminId: viewer.adminId },
      workspaceSlug: mine.workspace.slug,
      query,
      now: NOW,
    });
    expect(read.series).toHaveLength(30);
    await expect(
      analyticsForAdmin({
        session: { adminId: stranger.adminId },
        workspaceSlug: mine.workspace.slug,
        query,
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      analyticsForAdmin({ session: null, workspaceSlug: mine.workspace.slug, query }),
    ).rejects.toBeInstanceOf(AdminAccessError);
    await expect(
      analyticsForAdmin({ session: null, workspaceSlug: mine.workspace.slug, query }),
    ).rejects.toMatchObject({ code: 'unauthenticated' });
  });
});

describe('analytics: periods and buckets', () => {
  it('cuts weeks on Mondays and months on the first, in UTC', () => {
    expect(bucketStart(new Date('2026-01-31T23:30:00Z'), 'week')).toBe('2026-01-26');
    expect(bucketStart(new Date('2026-02-01T00:30:00Z'), 'week')).toBe('2026-01-26');
    expect(bucketStart(new Date('2026-02-02T00:00:00Z'), 'week')).toBe('2026-02-02');
    expect(bucketStart(new Date('2026-01-31T23:30:00Z'), 'month')).toBe('2026-01-01');
    expect(bucketStart(new Date('2026-01-31T23:30:00Z'), 'day')).toBe('2026-01-31');
  });

  it('lists every bucket of a period, and picks a readable grouping for each range', () => {
    expect(periodOf({ range: '30' }, NOW)).toMatchObject({
      from: new Date('2026-02-19T00:00:00Z'),
      unit: 'day',
    });
    expect(periodOf({ range: '90' }, NOW).unit).toBe('week');
    expect(periodOf({ range: '365' }, NOW).unit).toBe('month');
    expect(bucketsOf({ ...periodOf({ range: '365' }, NOW) })).toHaveLength(13);
    expect(bucketsOf({ ...periodOf({ range: '90', group: 'week' }, NOW) })).toHaveLength(14);
  });

  it('falls back to the defaults for a query string it does not know', () => {
    expect(
      parseAnalyticsQuery({ range: '7', group: 'hour', category: 'x; drop', channel: 'fax' }),
    ).toEqual({ range: '90', group: undefined, category: undefined, channel: undefined });
    expect(parseAnalyticsQuery({ range: ['365', '30'], group: 'month', channel: 'sms' })).toEqual({
      range: '365',
      group: 'month',
      category: undefined,
      channel: 'sms',
    });
  });
});
