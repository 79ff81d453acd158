import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, type Db, db } from '@/db/client';
import { type Frequency, sends } from '@/db/schema';
import { check, checkMany, decide } from './check';
import { applyConsentFor } from './consent';
import { eraseSubscriber } from './erasure';
import { DomainError } from './errors';
import { checkAndRecord, recordSends } from './sends';
import { makeSubscriber, makeWorkspace } from './test-fixtures';

afterAll(() => closeDb());

const T0 = new Date('2031-03-01T09:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(T0.getTime() + ms);
const iso = (ms: number) => at(ms).toISOString();

let workspaceId: string;
beforeAll(async () => {
  ({ workspaceId } = await makeWorkspace('sends'));
});

/** A subscriber to promotions by email at the given frequency. */
async function subscriber(frequency: Frequency, category = 'promotions') {
  const s = await makeSubscriber(workspaceId);
  await applyConsentFor({
    workspaceId,
    subscriberId: s.id,
    source: 'api',
    changes: [
      { type: 'subscription', category, channel: 'email', status: 'subscribed', frequency },
    ],
  });
  return s;
}

async function sent(
  subscriberId: string,
  sentAt: Date,
  category = 'promotions',
  channel = 'email',
) {
  const result = await recordSends({
    workspaceId,
    sends: [{ subscriber: { id: subscriberId }, category, channel: channel as 'email', sentAt }],
  });
  expect(result.recorded).toBe(1);
}

const promoEmail = (subscriberId: string, now: Date, category = 'promotions') =>
  check({ workspaceId, subscriber: { id: subscriberId }, category, channel: 'email', now });

async function sendCount(subscriberId: string) {
  const dbh = await db();
  const [row] = await dbh
    .select({ n: count() })
    .from(sends)
    .where(and(eq(sends.workspaceId, workspaceId), eq(sends.subscriberId, subscriberId)));
  return row?.n ?? 0;
}

describe('the frequency a subscriber chose is enforced as a rolling window', () => {
  it('weekly: a second send inside 7 days is refused until 7 days after the first', async () => {
    const s = await subscriber('weekly');
    expect(await promoEmail(s.id, T0)).toMatchObject({ allowed: true, reason: 'subscribed' });
    await sent(s.id, T0);
    expect(await promoEmail(s.id, at(DAY))).toEqual({
      allowed: false,
      reason: 'frequency',
      status: 'subscribed',
      frequency: 'weekly',
      nextAllowedAt: iso(7 * DAY),
    });
    expect(await promoEmail(s.id, at(7 * DAY - 1))).toMatchObject({
      allowed: false,
      reason: 'frequency',
      nextAllowedAt: iso(7 * DAY),
    });
    expect(await promoEmail(s.id, at(7 * DAY))).toMatchObject({
      allowed: true,
      reason: 'subscribed',
    });
    // Rolling: the window runs from the last send, not from a calendar week.
    await sent(s.id, at(9 * DAY));
    expect(await promoEmail(s.id, at(15 * DAY))).toMatchObject({
      allowed: false,
      nextAllowedAt: iso(16 * DAY),
    });
  });

  it('counts only sends of the same category on the same channel', async () => {
    const s = await subscriber('weekly');
    await sent(s.id, T0, 'product-news', 'email');
    await sent(s.id, T0, 'promotions', 'push');
    expect(await promoEmail(s.id, at(HOUR))).toMatchObject({ allowed: true });
  });

  it('monthly: 30 days', async () => {
    const s = await subscriber('monthly');
    await sent(s.id, T0);
    expect(await promoEmail(s.id, at(29 * DAY))).toMatchObject({
      allowed: false,
      reason: 'frequency',
      frequency: 'monthly',
      nextAllowedAt: iso(30 * DAY),
    });
    expect(await promoEmail(s.id, at(30 * DAY))).toMatchObject({ allowed: true });
  });

  it('daily: 1 day (decided from the last send)', () => {
    const category = { id: 'c', kind: 'marketing' as const, channels: ['email' as const] };
    const row = {
      pausedUntil: null,
      optedOut: false,
      blocked: false,
      status: 'subscribed' as const,
      frequency: 'daily' as const,
      lastSentAt: T0.getTime(),
    };
    expect(decide(category, 'email', row, at(23 * HOUR))).toMatchObject({
      allowed: false,
      reason: 'frequency',
      nextAllowedAt: iso(DAY),
    });
    expect(decide(category, 'email', row, at(DAY))).toMatchObject({ allowed: true });
    // A subscription without a stored frequency takes the category's default.
    const noFrequency = { ...row, frequency: null };
    expect(decide(category, 'email', noFrequency, at(HOUR)).allowed).toBe(true);
    expect(
      decide({ ...category, defaultFrequency: 'weekly' }, 'email', noFrequency, at(HOUR)),
    ).toMatchObject({ allowed: false, nextAllowedAt: iso(7 * DAY) });
  });

  it('instant is never limited', async () => {
    const s = await subscriber('instant');
    for (const minutes of [0, 1, 2]) await sent(s.id, at(minutes * MINUTE));
    expect(await promoEmail(s.id, at(3 * MINUTE))).toMatchObject({
      allowed: true,
      reason: 'subscribed',
    });
  });

  it('a pause refuses until it ends, with nextAllowedAt the resume time', async () => {
    const s = await subscriber('instant');
    await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'preference_center',
      changes: [{ type: 'pause', until: at(10 * DAY) }],
      now: T0,
    });
    expect(await promoEmail(s.id, at(DAY))).toMatchObject({
      allowed: false,
      reason: 'paused',
      resumesAt: iso(10 * DAY),
      nextAllowedAt: iso(10 * DAY),
    });
    expect(await promoEmail(s.id, at(10 * DAY))).toMatchObject({ allowed: true });
  });

  it('paused and held back by the frequency: next allowed when both have passed', async () => {
    const s = await subscriber('weekly');
    await sent(s.id, at(9 * DAY));
    await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'preference_center',
      changes: [{ type: 'pause', until: at(10 * DAY) }],
      now: T0,
    });
    expect(await promoEmail(s.id, at(9 * DAY + HOUR))).toMatchObject({
      reason: 'paused',
      resumesAt: iso(10 * DAY),
      nextAllowedAt: iso(16 * DAY),
    });
    expect(await promoEmail(s.id, at(11 * DAY))).toMatchObject({
      reason: 'frequency',
      nextAllowedAt: iso(16 * DAY),
    });
  });

  it('transactional categories are always allowed, whatever was sent', async () => {
    const s = await subscriber('monthly');
    await sent(s.id, T0, 'order-updates');
    await sent(s.id, at(MINUTE), 'order-updates');
    expect(await promoEmail(s.id, at(2 * MINUTE), 'order-updates')).toMatchObject({
      allowed: true,
      reason: 'transactional',
    });
  });
});

describe('checkMany', () => {
  it('answers a mixed batch in input order with one query for all the references', async () => {
    const recent = await subscriber('weekly');
    const old = await subscriber('weekly');
    const instant = await subscriber('instant');
    const monthly = await subscriber('monthly');
    const never = await subscriber('monthly');
    const paused = await subscriber('weekly');
    const unsubscribed = await subscriber('weekly');
    await sent(recent.id, at(-DAY));
    await sent(old.id, at(-8 * DAY));
    await sent(instant.id, at(-MINUTE));
    await sent(monthly.id, at(-20 * DAY));
    await applyConsentFor({
      workspaceId,
      subscriberId: paused.id,
      source: 'preference_center',
      changes: [{ type: 'pause', until: at(2 * DAY) }],
      now: at(-HOUR),
    });
    await applyConsentFor({
      workspaceId,
      subscriberId: unsubscribed.id,
      source: 'preference_center',
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'unsubscribed' },
      ],
    });

    const { database, calls } = countingDb(await db());
    const answers = await checkMany(
      {
        workspaceId,
        subscribers: [
          { id: recent.id },
          { email: old.email as string },
          { id: instant.id },
          { id: monthly.id },
          { id: never.id },
          { id: paused.id },
          { id: unsubscribed.id },
          { email: 'nobody@sends.example' },
        ],
        category: 'promotions',
        channel: 'email',
        now: T0,
      },
      database,
    );
    expect(answers.map((a) => [a.allowed, a.reason, a.nextAllowedAt])).toEqual([
      [false, 'frequency', iso(6 * DAY)],
      [true, 'subscribed', undefined],
      [true, 'subscribed', undefined],
      [false, 'frequency', iso(10 * DAY)],
      [true, 'subscribed', undefined],
      [false, 'paused', iso(2 * DAY)],
      [false, 'unsubscribed', undefined],
      [false, 'unknown_subscriber', undefined],
    ]);
    // At most one statement loads the categories (they are cached for a few seconds), one
    // answers every reference: no query per subscriber.
    expect(calls.execute + calls.query).toBe(1);
    expect(calls.select).toBeLessThanOrEqual(1);
    expect(calls.transaction).toBe(0);
  });
});

/** The database handle with its statements counted. */
function countingDb(dbh: Db) {
  const calls = { select: 0, execute: 0, transaction: 0, query: 0 };
  // Hot statements go to the driver's client directly (db/client.ts `textRows`): count those too.
  const client = new Proxy((dbh as unknown as { $client: object }).$client, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop !== 'query') return value.bind(target);
      return (...args: unknown[]) => {
        calls.query += 1;
        return value.apply(target, args);
      };
    },
  });
  const database = new Proxy(dbh, {
    get(target, prop) {
      if (prop === '$client') return client;
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop === 'select' || prop === 'execute' || prop === 'transaction') {
        return (...args: unknown[]) => {
          calls[prop] += 1;
          return value.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
  return { database, calls };
}

describe('check with record', () => {
  it('records the send only when allowed; the next check inside the window says frequency', async () => {
    const s = await subscriber('weekly');
    const ask = {
      workspaceId,
      subscriber: { id: s.id },
      category: 'promotions',
      channel: 'email' as const,
    };
    await check({ ...ask, now: T0 });
    expect(await sendCount(s.id)).toBe(0); // a plain check writes nothing

    const first = await checkAndRecord({ ...ask, now: T0 });
    expect(first).toMatchObject({ allowed: true, recorded: true, sendId: expect.any(String) });
    expect(await sendCount(s.id)).toBe(1);

    const second = await checkAndRecord({ ...ask, now: at(HOUR) });
    expect(second).toMatchObject({
      allowed: false,
      reason: 'frequency',
      nextAllowedAt: iso(7 * DAY),
      recorded: false,
    });
    expect(second.sendId).toBeUndefined();
    expect(await sendCount(s.id)).toBe(1);
    expect(await check({ ...ask, now: at(2 * HOUR) })).toMatchObject({ reason: 'frequency' });
  });

  it('records nothing for a refusal, nor for a stranger', async () => {
    const s = await makeSubscriber(workspaceId);
    const answer = await checkAndRecord({
      workspaceId,
      subscriber: { id: s.id },
      category: 'promotions',
      channel: 'email',
    });
    expect(answer).toMatchObject({ allowed: false, reason: 'not_subscribed', recorded: false });
    expect(await sendCount(s.id)).toBe(0);
    const stranger = await checkAndRecord({
      workspaceId,
      subscriber: { email: 'stranger@sends.example' },
      category: 'order-updates',
      channel: 'email',
    });
    expect(stranger).toMatchObject({ allowed: true, reason: 'transactional', recorded: false });
  });

  it('a retry with the same messageId gets the same answer and records once', async () => {
    const s = await subscriber('weekly');
    const ask = {
      workspaceId,
      subscriber: { id: s.id },
      category: 'promotions',
      channel: 'email' as const,
    };
    const first = await checkAndRecord({ ...ask, messageId: 'msg-1', now: T0 });
    const retry = await checkAndRecord({ ...ask, messageId: 'msg-1', now: at(MINUTE) });
    expect(retry).toEqual({ ...first });
    expect(retry).toMatchObject({ allowed: true, recorded: true });
    expect(await sendCount(s.id)).toBe(1);
    expect(await checkAndRecord({ ...ask, messageId: 'msg-2', now: at(MINUTE) })).toMatchObject({
      allowed: false,
      reason: 'frequency',
      recorded: false,
    });
    // The same messageId for another send is a mistake, not a retry.
    const other = await subscriber('weekly');
    const reused = checkAndRecord({ ...ask, subscriber: { id: other.id }, messageId: 'msg-1' });
    await expect(reused).rejects.toBeInstanceOf(DomainError);
    await expect(reused).rejects.toMatchObject({ code: 'idempotency_mismatch' });
    expect(await sendCount(other.id)).toBe(0);
  });

  it('two concurrent checks cannot both take the last slot of a window', async () => {
    const s = await subscriber('weekly');
    const ask = {
      workspaceId,
      subscriber: { id: s.id },
      category: 'promotions',
      channel: 'email' as const,
      now: T0,
    };
    const answers = await Promise.all([checkAndRecord(ask), checkAndRecord(ask)]);
    expect(answers.map((a) => a.recorded).sort()).toEqual([false, true]);
    expect(await sendCount(s.id)).toBe(1);
  });
});

describe('recordSends', () => {
  it('records a batch in one statement, reporting what names nothing here', async () => {
    const a = await subscriber('weekly');
    const b = await makeSubscriber(workspaceId);
    const erased = await makeSubscriber(workspaceId);
    await eraseSubscriber({ workspaceId, subscriberId: erased.id, requestedBy: 'api' });
    const other = await makeWorkspace('sends-other');
    const foreign = await makeSubscriber(other.workspaceId);
    const result = await recordSends({
      workspaceId,
      now: T0,
      sends: [
        { subscriber: { id: a.id }, category: 'promotions', channel: 'email' },
        { subscriber: { email: 'nobody@sends.example' }, category: 'promotions', channel: 'email' },
        { subscriber: { email: b.email as string }, category: 'nope', channel: 'email' },
        { subscriber: { id: b.id }, category: 'product-news', channel: 'sms' },
        { subscriber: { externalId: 'crm-unknown' }, category: 'promotions', channel: 'email' },
        { subscriber: { id: erased.id }, category: 'promotions', channel: 'email' },
        { subscriber: { id: foreign.id }, category: 'promotions', channel: 'email' },
        { subscriber: { email: b.email as string }, category: 'order-updates', channel: 'sms' },
      ],
    });
    expect(result).toEqual({
      received: 8,
      recorded: 2,
      duplicates: 0,
      rejected: [
        { index: 1, reason: 'unknown_subscriber' },
        { index: 2, reason: 'unknown_category' },
        { index: 3, reason: 'unsupported_channel' },
        { index: 4, reason: 'unknown_subscriber' },
        { index: 5, reason: 'unknown_subscriber' },
        { index: 6, reason: 'unknown_subscriber' },
      ],
    });
    expect(await sendCount(a.id)).toBe(1);
    expect(await sendCount(b.id)).toBe(1);
    // The send defaults to `now`, and counts.
    expect(await promoEmail(a.id, at(HOUR))).toMatchObject({
      reason: 'frequency',
      nextAllowedAt: iso(7 * DAY),
    });
  });

  it('is idempotent by messageId, within a batch and across calls', async () => {
    const s = await subscriber('instant');
    const send = (messageId: string) => ({
      subscriber: { id: s.id },
      category: 'promotions',
      channel: 'email' as const,
      sentAt: T0,
      messageId,
    });
    const batch = [send('m-1'), send('m-2'), send('m-1')];
    expect(await recordSends({ workspaceId, sends: batch })).toMatchObject({
      recorded: 2,
      duplicates: 1,
    });
    expect(await recordSends({ workspaceId, sends: batch })).toMatchObject({
      recorded: 0,
      duplicates: 3,
    });
    expect(await sendCount(s.id)).toBe(2);
    // Message ids belong to a workspace: another one may use the same.
    const other = await makeWorkspace('sends-ids');
    const there = await makeSubscriber(other.workspaceId);
    const elsewhere = await recordSends({
      workspaceId: other.workspaceId,
      sends: [{ ...send('m-1'), subscriber: { id: there.id } }],
    });
    expect(elsewhere.recorded).toBe(1);
  });
});
