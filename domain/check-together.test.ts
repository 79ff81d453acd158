import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { countSubscribers } from '@/db/queries/check';
import { type BulkCheckerOptions, bulkChecker, type CheckAnswer, check, checkMany } from './check';
import { applyConsentFor } from './consent';
import { recordSends } from './sends';
import { type SubscriberRef, upsertSubscriber } from './subscribers';
import { makeWorkspace, setSubscription } from './test-fixtures';

/**
 * Single checks that arrive together share one query, and a bulk check that covers much of a
 * workspace reads it once: both must answer exactly as one lookup per reference does.
 */

afterAll(() => closeDb());

const DAY = 86_400_000;
let workspaceId: string;
let otherWorkspaceId: string;
/** One reference per state the check knows, of every kind, plus unknown ones. */
let refs: SubscriberRef[];
let subscribedId: string;

async function subscriber(
  input: { email?: string; phone?: string; externalId?: string },
  frequency: 'instant' | 'weekly' = 'instant',
) {
  const { subscriber: s } = await upsertSubscriber(workspaceId, input);
  await setSubscription(workspaceId, s.id, { status: 'subscribed', frequency });
  return s;
}

beforeAll(async () => {
  ({ workspaceId } = await makeWorkspace('together'));
  ({ workspaceId: otherWorkspaceId } = await makeWorkspace('together-other'));
  const subscribed = await subscriber({ email: 'subscribed@together.example' });
  subscribedId = subscribed.id;
  const byPhone = await subscriber({ phone: '+14155550101' });
  const byExternal = await subscriber({ externalId: 'crm-7' });
  const weekly = await subscriber({ email: 'weekly@together.example' }, 'weekly');
  await recordSends({
    workspaceId,
    sends: [
      {
        subscriber: { id: weekly.id },
        category: 'promotions',
        channel: 'email',
        sentAt: new Date(Date.now() - DAY),
      },
    ],
  });
  const paused = await subscriber({ email: 'paused@together.example' });
  await applyConsentFor({
    workspaceId,
    subscriberId: paused.id,
    source: 'preference_center',
    changes: [{ type: 'pause', until: new Date(Date.now() + 2 * DAY) }],
  });
  const unsubscribed = await subscriber({ email: 'unsubscribed@together.example' });
  await setSubscription(
    workspaceId,
    unsubscribed.id,
    { status: 'unsubscribed' },
    'preference_center',
  );
  const optedOut = await subscriber({ email: 'everything@together.example' });
  await applyConsentFor({
    workspaceId,
    subscriberId: optedOut.id,
    source: 'preference_center',
    changes: [{ type: 'global_opt_out', channel: 'all' }],
  });
  const { subscriber: never } = await upsertSubscriber(workspaceId, {
    email: 'never@together.example',
  });
  refs = [
    { email: 'subscribed@together.example' },
    { id: subscribed.id },
    { phone: '+14155550101' },
    { externalId: 'crm-7' },
    { id: byExternal.id },
    { id: byPhone.id },
    { email: 'weekly@together.example' },
    { email: 'paused@together.example' },
    { email: 'unsubscribed@together.example' },
    { email: 'everything@together.example' },
    { email: 'never@together.example' },
    { id: never.id },
    { email: 'nobody@together.example' },
    { externalId: 'crm-unknown' },
    { id: '00000000-0000-4000-8000-000000000000' },
  ];
});

const promotions = (subscribers: SubscriberRef[]) =>
  checkMany({ workspaceId, subscribers, category: 'promotions', channel: 'email' });

/** What is compared: everything but `now`-free fields are the same in both paths. */
const shape = (a: CheckAnswer) => [a.allowed, a.reason, a.status, a.nextAllowedAt, a.resumesAt];

describe('single checks that arrive together', () => {
  it('answer each as a lookup of its own does, for every state and kind of reference', async () => {
    const expected = (await promotions(refs)).map(shape);
    expect(new Set(expected.map((e) => e[1]))).toEqual(
      new Set([
        'subscribed',
        'frequency',
        'paused',
        'unsubscribed',
        'global_opt_out',
        'not_subscribed',
        'unknown_subscriber',
      ]),
    );
    const together = await Promise.all(
      refs.map((subscriber) =>
        check({ workspaceId, subscriber, category: 'promotions', channel: 'email' }),
      ),
    );
    expect(together.map(shape)).toEqual(expected);
  });

  it('share one query', async () => {
    const client = ((await db()) as unknown as { $client: { query: (...a: unknown[]) => unknown } })
      .$client;
    const query = client.query;
    await check({
      workspaceId,
      subscriber: refs[0] as SubscriberRef,
      category: 'promotions',
      channel: 'email',
    }); // the categories are cached
    let calls = 0;
    client.query = (...args: unknown[]) => {
      calls++;
      return query.apply(client, args);
    };
    try {
      await Promise.all(
        refs.map((subscriber) =>
          check({ workspaceId, subscriber, category: 'promotions', channel: 'email' }),
        ),
      );
    } finally {
      client.query = query;
    }
    expect(calls).toBe(1);
  });

  it('are not mixed up across workspaces, categories and channels', async () => {
    const asks = [
      { workspaceId, category: 'promotions', channel: 'email' as const },
      { workspaceId, category: 'promotions', channel: 'sms' as const },
      { workspaceId, category: 'order-updates', channel: 'email' as const },
      { workspaceId, category: 'no-such-category', channel: 'email' as const },
      { workspaceId: otherWorkspaceId, category: 'promotions', channel: 'email' as const },
    ];
    const subscriber = { email: 'subscribed@together.example' };
    const answers = await Promise.all(asks.map((ask) => check({ ...ask, subscriber })));
    expect(answers.map((a) => [a.allowed, a.reason])).toEqual([
      [true, 'subscribed'],
      [false, 'not_subscribed'],
      [true, 'transactional'],
      [false, 'unknown_category'],
      [false, 'unknown_subscriber'],
    ]);
  });

  it('one reference the database refuses fails alone', async () => {
    const ask = { workspaceId, category: 'promotions', channel: 'email' as const };
    const [bad, good, unknown] = await Promise.allSettled([
      // Not a uuid: the API refuses it before it gets here; the domain must not let it take
      // the checks that happened to arrive with it down too.
      check({ ...ask, subscriber: { id: 'not-a-uuid' } }),
      check({ ...ask, subscriber: { id: subscribedId } }),
      check({ ...ask, subscriber: { email: 'nobody@together.example' } }),
    ]);
    expect(bad.status).toBe('rejected');
    expect(good).toMatchObject({ status: 'fulfilled', value: { allowed: true } });
    expect(unknown).toMatchObject({ status: 'fulfilled', value: { reason: 'unknown_subscriber' } });
  });
});

describe('a bulk check that covers much of the workspace', () => {
  /** Batches of the references repeated, through one checker. */
  async function run(options: BulkCheckerOptions, batches: number, repeat = 4) {
    const checker = bulkChecker({ workspaceId, category: 'promotions', channel: 'email' }, options);
    const batch = Array.from({ length: repeat }, () => refs).flat();
    const out: { whole: boolean; answers: CheckAnswer[] }[] = [];
    for (let i = 0; i < batches; i++) {
      const answers = await checker.check(batch);
      out.push({ whole: checker.readsWorkspace, answers });
    }
    return { out, batch };
  }

  it('switches to reading the workspace when it has seen a third of its subscribers', async () => {
    const subscribers = await countSubscribers(await db(), workspaceId);
    const checker = bulkChecker(
      { workspaceId, category: 'promotions', channel: 'email' },
      {
        minRefs: 1,
      },
    );
    const below = Math.ceil(subscribers / 3) - 1;
    const batch = (n: number) => Array.from({ length: n }, (_, i) => refs[i % refs.length]);
    const first = await checker.check(batch(below) as SubscriberRef[]);
    expect(checker.readsWorkspace).toBe(false);
    const second = await checker.check(batch(1) as SubscriberRef[]);
    expect(checker.readsWorkspace).toBe(true);
    expect([...first, ...second].map(shape)).toEqual(
      (await promotions(batch(below).concat(batch(1)) as SubscriberRef[])).map(shape),
    );
  });

  it('reads the workspace once it has seen a third of its subscribers, and answers alike', async () => {
    const { out, batch } = await run({ minRefs: 1 }, 3);
    expect(out.map((o) => o.whole)).toEqual([true, true, true]);
    const expected = (await promotions(batch)).map(shape);
    for (const { answers } of out) expect(answers.map(shape)).toEqual(expected);
  });

  it('looks references up while it has seen fewer than its minimum', async () => {
    const { out, batch } = await run({ minRefs: 10 * refs.length * 4 }, 3);
    expect(out.map((o) => o.whole)).toEqual([false, false, false]);
    const expected = (await promotions(batch)).map(shape);
    for (const { answers } of out) expect(answers.map(shape)).toEqual(expected);
  });

  it('always looks up a workspace too big to hold', async () => {
    const { out } = await run({ minRefs: 1, maxSubscribers: 3 }, 2);
    expect(out.map((o) => o.whole)).toEqual([false, false]);
  });

  it('takes the read again once it is older than allowed, so changes show', async () => {
    const { subscriber: late } = await upsertSubscriber(workspaceId, {
      email: 'late@together.example',
    });
    const ask = { workspaceId, category: 'promotions', channel: 'email' as const };
    const fresh = bulkChecker(ask, { minRefs: 1, maxReadAgeMs: 0 });
    const held = bulkChecker(ask, { minRefs: 1, maxReadAgeMs: 60_000 });
    const probe = [...refs, { email: 'late@together.example' }];
    expect((await fresh.check(probe)).at(-1)?.reason).toBe('not_subscribed');
    expect((await held.check(probe)).at(-1)?.reason).toBe('not_subscribed');
    await setSubscription(workspaceId, late.id, { status: 'subscribed' });
    expect((await fresh.check(probe)).at(-1)?.reason).toBe('subscribed');
    // Within its age a read is used as it was taken.
    expect((await held.check(probe)).at(-1)?.reason).toBe('not_subscribed');
  });
});
