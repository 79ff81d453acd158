import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { applyConsentFor } from './consent';
import { type AtEvent, consentAt, consentAtForSubscriber, parseMoment } from './consent-at';
import { eraseSubscriber } from './erasure';
import { makeSubscriber, makeWorkspace } from './test-fixtures';

// Opening the in-memory database runs every migration: done once here, not in the first test.
beforeAll(async () => {
  await db();
});
afterAll(() => closeDb());

const CAT = 'cat-1';
const t = (iso: string) => new Date(`2026-03-01T${iso}Z`);
const sub = (
  seq: number,
  at: string,
  before: string,
  after: string,
  extra: Partial<AtEvent> = {},
): AtEvent => ({
  seq,
  type: 'subscription',
  categoryId: CAT,
  channel: 'email',
  after: { status: after, frequency: after === 'subscribed' ? 'weekly' : null, ownOptOut: false },
  occurredAt: t(at),
  ...extra,
  // `before` is not needed by the fold; kept in the fixture for readability.
  ...({ before: { status: before } } as object),
});
const ask = { categoryId: CAT, channel: 'email' as const, kind: 'marketing' as const };

describe('consentAt (pure, over the ledger alone)', () => {
  const history = [
    sub(1, '10:00:00.000', 'none', 'pending'),
    sub(2, '10:05:00.000', 'pending', 'subscribed'),
    sub(3, '12:00:00.000', 'subscribed', 'unsubscribed'),
  ];

  it('before the first event: never', () => {
    const r = consentAt(history, ask, t('09:59:59.999'));
    expect(r).toMatchObject({ answer: 'never', reason: 'never', decidedBy: null });
    expect(r.eventsConsidered).toBe(0);
    expect(r.subscription.status).toBe('none');
  });

  it('includes an event that happened exactly at D, and not one a millisecond later', () => {
    expect(consentAt(history, ask, t('10:00:00.000'))).toMatchObject({
      answer: 'pending',
      decidedBy: { seq: 1 },
    });
    expect(consentAt(history, ask, t('10:04:59.999')).answer).toBe('pending');
    expect(consentAt(history, ask, t('10:05:00.000'))).toMatchObject({
      answer: 'yes',
      reason: 'subscribed',
      decidedBy: { seq: 2 },
      subscription: { status: 'subscribed', frequency: 'weekly' },
    });
    expect(consentAt(history, ask, t('11:59:59.999')).answer).toBe('yes');
  });

  it('after an opt-out: no, decided by the opt-out', () => {
    expect(consentAt(history, ask, t('12:00:00.000'))).toMatchObject({
      answer: 'no',
      reason: 'unsubscribed',
      decidedBy: { seq: 3 },
      eventsConsidered: 3,
    });
  });

  it('another category or channel has its own answer', () => {
    expect(consentAt(history, { ...ask, channel: 'sms' }, t('11:00:00')).answer).toBe('never');
    expect(consentAt(history, { ...ask, categoryId: 'other' }, t('11:00:00')).answer).toBe('never');
  });

  it('a global opt-out beats a subscription, and lifting it brings the subscription back', () => {
    const events: AtEvent[] = [
      sub(1, '10:00:00', 'none', 'subscribed'),
      {
        seq: 2,
        type: 'global_opt_out',
        categoryId: null,
        channel: null,
        after: { optedOut: true, own: true },
        occurredAt: t('11:00:00'),
      },
      {
        seq: 3,
        type: 'global_opt_out',
        categoryId: null,
        channel: null,
        after: { optedOut: false, own: false },
        occurredAt: t('12:00:00'),
      },
    ];
    const during = consentAt(events, ask, t('11:30:00'));
    expect(during).toMatchObject({
      answer: 'no',
      reason: 'global_opt_out',
      decidedBy: { seq: 2 },
      subscriptionEvent: { seq: 1 },
    });
    expect(consentAt(events, ask, t('12:00:00'))).toMatchObject({
      answer: 'yes',
      decidedBy: { seq: 1 },
    });
    // An opt-out of another channel does not touch email.
    const smsOnly = events
      .slice(0, 2)
      .map((e) => (e.seq === 2 ? { ...e, channel: 'sms' as const } : e));
    expect(consentAt(smsOnly, ask, t('11:30:00')).answer).toBe('yes');
  });

  it('a pause in force at D keeps the answer yes but says so; after the pause ends it is plain yes', () => {
    const events: AtEvent[] = [
      sub(1, '10:00:00', 'none', 'subscribed'),
      {
        seq: 2,
        type: 'pause',
        categoryId: null,
        channel: null,
        after: { until: '2026-03-01T14:00:00.000Z', own: true },
        occurredAt: t('11:00:00'),
      },
    ];
    expect(consentAt(events, ask, t('13:59:59'))).toMatchObject({
      answer: 'yes',
      reason: 'paused',
      pause: { until: '2026-03-01T14:00:00.000Z', event: { seq: 2 } },
    });
    expect(consentAt(events, ask, t('14:00:00'))).toMatchObject({
      answer: 'yes',
      reason: 'subscribed',
      pause: null,
    });
  });

  it('an SMS carrier block stops even a transactional category; transactional is otherwise always yes', () => {
    const block: AtEvent = {
      seq: 1,
      type: 'keyword_block',
      categoryId: null,
      channel: 'sms',
      after: { blocked: true },
      occurredAt: t('10:00:00'),
    };
    const receipts = {
      categoryId: 'receipts',
      channel: 'sms' as const,
      kind: 'transactional' as const,
    };
    expect(consentAt([], receipts, t('09:00:00'))).toMatchObject({
      answer: 'yes',
      reason: 'transactional',
    });
    expect(consentAt([block], receipts, t('10:00:00'))).toMatchObject({
      answer: 'no',
      reason: 'sms_blocked',
      decidedBy: { seq: 1 },
    });
  });

  it('ignores the order events are given in: the sequence decides', () => {
    const shuffled = [history[2], history[0], history[1]] as AtEvent[];
    expect(consentAt(shuffled, ask, t('13:00:00')).decidedBy?.seq).toBe(3);
  });
});

describe('parseMoment', () => {
  it('reads what a datetime-local field sends as UTC, and ISO with an offset', () => {
    expect(parseMoment('2026-03-01T14:30')?.toISOString()).toBe('2026-03-01T14:30:00.000Z');
    expect(parseMoment('2026-03-01T14:30:05')?.toISOString()).toBe('2026-03-01T14:30:05.000Z');
    expect(parseMoment('2026-03-01T14:30:05.25')?.toISOString()).toBe('2026-03-01T14:30:05.250Z');
    expect(parseMoment('2026-03-01T14:30:00+02:00')?.toISOString()).toBe(
      '2026-03-01T12:30:00.000Z',
    );
    expect(parseMoment('2026-02-30T10:00')).toBeUndefined();
    expect(parseMoment('yesterday')).toBeUndefined();
    expect(parseMoment('')).toBeUndefined();
  });
});

describe('consentAtForSubscriber (from the stored ledger)', () => {
  it('answers before and after an opt-out and after erasure, with the deciding event and its evidence', async () => {
    const { workspaceId } = await makeWorkspace('at');
    const person = await makeSubscriber(workspaceId);
    const base = { workspaceId, subscriberId: person.id };
    const opted = new Date('2026-03-01T10:00:00.000Z');
    const left = new Date('2026-03-05T10:00:00.000Z');
    await applyConsentFor({
      ...base,
      source: 'api',
      now: opted,
      evidence: { ip: '203.0.113.9', userAgent: 'Shop/1.0', detail: { campaign: 'spring' } },
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
      ],
    });
    await applyConsentFor({
      ...base,
      source: 'unsubscribe_page',
      now: left,
      evidence: { ip: '198.51.100.7' },
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'unsubscribed' },
      ],
    });
    const ask = { ...base, category: 'promotions', channel: 'email' as const };

    expect(
      (await consentAtForSubscriber({ ...ask, at: new Date('2026-03-01T09:59:59.999Z') })).answer,
    ).toBe('never');
    const before = await consentAtForSubscriber({ ...ask, at: opted });
    expect(before).toMatchObject({
      answer: 'yes',
      category: { slug: 'promotions' },
      decidedBy: {
        seq: 1,
        source: 'api',
        evidence: expect.arrayContaining([
          ['IP address', '203.0.113.9'],
          ['Browser (user agent)', 'Shop/1.0'],
          ['Details the sender sent', '{"campaign":"spring"}'],
        ]),
      },
    });
    const after = await consentAtForSubscriber({ ...ask, at: left });
    expect(after).toMatchObject({
      answer: 'no',
      reason: 'unsubscribed',
      decidedBy: {
        seq: 2,
        source: 'unsubscribe_page',
        title: 'Unsubscribed from promotions by email',
        evidence: [['IP address', '198.51.100.7']],
      },
    });

    await eraseSubscriber({
      ...base,
      requestedBy: 'subscriber',
      now: new Date('2026-03-09T00:00:00Z'),
    });
    const erased = await consentAtForSubscriber({ ...ask, at: new Date('2026-03-10T00:00:00Z') });
    expect(erased).toMatchObject({ answer: 'no', reason: 'erased' });
    // The past is still answered from the ledger; the evidence is gone with the erasure.
    const past = await consentAtForSubscriber({ ...ask, at: opted });
    expect(past).toMatchObject({ answer: 'yes', decidedBy: { seq: 1, evidence: null } });
  });

  it('refuses a subscriber or a category of another workspace as not found', async () => {
    const a = await makeWorkspace('at-a');
    const b = await makeWorkspace('at-b');
    const theirs = await makeSubscriber(b.workspaceId);
    const question = { category: 'promotions', channel: 'email' as const, at: new Date() };
    await expect(
      consentAtForSubscriber({ workspaceId: a.workspaceId, subscriberId: theirs.id, ...question }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const ours = await makeSubscriber(a.workspaceId);
    await expect(
      consentAtForSubscriber({
        workspaceId: a.workspaceId,
        subscriberId: ours.id,
        ...question,
        category: 'no-such-category',
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});
