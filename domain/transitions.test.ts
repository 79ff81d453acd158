import { describe, expect, it } from 'vitest';
import type { Source } from '@/db/schema';
import { emptyState, type SubscriberState, subscriptionKey } from './ledger';
import {
  type CategoryInfo,
  type ConsentChange,
  computeTransitions,
  type TransitionContext,
} from './transitions';

const promotions: CategoryInfo = {
  id: 'c-promo',
  slug: 'promotions',
  kind: 'marketing',
  channels: ['email', 'sms', 'whatsapp', 'push'],
  frequencies: ['instant', 'weekly', 'monthly'],
  defaultFrequency: 'instant',
  archived: false,
};
const orders: CategoryInfo = {
  id: 'c-orders',
  slug: 'order-updates',
  kind: 'transactional',
  channels: ['email', 'sms'],
  frequencies: ['instant'],
  defaultFrequency: 'instant',
  archived: false,
};
const archived: CategoryInfo = { ...promotions, id: 'c-old', slug: 'old', archived: true };
const categories = new Map<string, CategoryInfo>(
  [promotions, orders, archived].flatMap((c) => [
    [c.slug, c],
    [c.id, c],
  ]),
);
const now = new Date('2026-11-23T12:00:00Z');
const PROMO_EMAIL = subscriptionKey('c-promo', 'email');

function run(
  state: SubscriberState,
  changes: ConsentChange[],
  source: Source,
  extra: Partial<TransitionContext> = {},
) {
  return computeTransitions(state, changes, { source, now, categories, ...extra });
}
const sub = (
  status: 'subscribed' | 'unsubscribed' | 'pending',
  frequency?: 'instant' | 'weekly' | 'monthly',
) =>
  ({ type: 'subscription', category: 'promotions', channel: 'email', status, frequency }) as const;

function subscribedState(): SubscriberState {
  const state = emptyState();
  state.subscriptions.set(PROMO_EMAIL, {
    status: 'subscribed',
    frequency: 'instant',
    ownOptOut: false,
  });
  return state;
}
function ownOptedOutState(): SubscriberState {
  const state = emptyState();
  state.subscriptions.set(PROMO_EMAIL, {
    status: 'unsubscribed',
    frequency: 'instant',
    ownOptOut: true,
  });
  return state;
}

describe('subscription transitions', () => {
  it('subscribes from nothing with the category default frequency', () => {
    const r = run(emptyState(), [sub('subscribed')], 'api');
    expect(r.refusals).toEqual([]);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      type: 'subscription',
      before: { status: 'none' },
      after: { status: 'subscribed', frequency: 'instant', ownOptOut: false },
    });
  });

  it('writes nothing when the change changes nothing', () => {
    expect(run(subscribedState(), [sub('subscribed')], 'api').events).toEqual([]);
  });

  it("records the subscriber's own opt-out as theirs", () => {
    const r = run(subscribedState(), [sub('unsubscribed')], 'one_click');
    expect(r.events[0]?.after).toEqual({
      status: 'unsubscribed',
      frequency: 'instant',
      ownOptOut: true,
    });
  });

  it('an opt-out by the business is not the subscriber own', () => {
    const r = run(subscribedState(), [sub('unsubscribed')], 'admin');
    expect(r.events[0]?.after).toMatchObject({ status: 'unsubscribed', ownOptOut: false });
  });

  it('starts double opt-in as pending', () => {
    const r = run(emptyState(), [sub('pending', 'weekly')], 'embed_form');
    expect(r.events[0]?.after).toEqual({
      status: 'pending',
      frequency: 'weekly',
      ownOptOut: false,
    });
  });

  it('pending over an active subscription changes nothing', () => {
    expect(run(subscribedState(), [sub('pending')], 'api').events).toEqual([]);
  });

  it('confirms pending through double opt-in', () => {
    const state = emptyState();
    state.subscriptions.set(PROMO_EMAIL, {
      status: 'pending',
      frequency: 'weekly',
      ownOptOut: true,
    });
    const r = run(state, [sub('subscribed')], 'double_opt_in');
    expect(r.events[0]?.after).toEqual({
      status: 'subscribed',
      frequency: 'weekly',
      ownOptOut: false,
    });
  });

  it('expires a pending consent back to what it was', () => {
    const state = emptyState();
    state.subscriptions.set(PROMO_EMAIL, {
      status: 'pending',
      frequency: 'instant',
      ownOptOut: false,
    });
    const r = run(
      state,
      [{ type: 'expire_pending', category: 'promotions', channel: 'email' }],
      'expiry',
    );
    expect(r.events[0]?.after).toMatchObject({ status: 'none' });
    const own = ownOptedOutState();
    own.subscriptions.set(PROMO_EMAIL, {
      status: 'pending',
      frequency: 'instant',
      ownOptOut: true,
    });
    expect(
      run(own, [{ type: 'expire_pending', category: 'promotions', channel: 'email' }], 'expiry')
        .events[0]?.after,
    ).toMatchObject({
      status: 'unsubscribed',
    });
  });

  it('opts down: a lower frequency on an active subscription', () => {
    const r = run(
      subscribedState(),
      [{ type: 'frequency', category: 'promotions', channel: 'email', frequency: 'monthly' }],
      'preference_center',
    );
    expect(r.events[0]).toMatchObject({
      before: { frequency: 'instant' },
      after: { status: 'subscribed', frequency: 'monthly' },
    });
  });

  it('refuses a frequency the category does not offer', () => {
    const r = run(
      subscribedState(),
      [{ type: 'frequency', category: 'promotions', channel: 'email', frequency: 'daily' }],
      'api',
    );
    expect(r.refusals.map((x) => x.reason)).toEqual(['invalid_frequency']);
  });

  it('refuses a frequency change without a subscription', () => {
    const r = run(
      emptyState(),
      [{ type: 'frequency', category: 'promotions', channel: 'email', frequency: 'monthly' }],
      'api',
    );
    expect(r.refusals.map((x) => x.reason)).toEqual(['not_subscribed']);
  });

  it('refuses unknown and archived categories and channels a category does not offer', () => {
    expect(
      run(emptyState(), [{ ...sub('subscribed'), category: 'nope' }], 'api').refusals[0]?.reason,
    ).toBe('unknown_category');
    expect(
      run(emptyState(), [{ ...sub('subscribed'), category: 'old' }], 'api').refusals[0]?.reason,
    ).toBe('unknown_category');
    expect(
      run(
        emptyState(),
        [
          {
            type: 'subscription',
            category: 'order-updates',
            channel: 'push',
            status: 'unsubscribed',
          },
        ],
        'api',
      ).refusals[0]?.reason,
    ).toBe('unsupported_channel');
  });

  it('refuses every change of the request when one is refused (no partial write)', () => {
    const r = run(
      emptyState(),
      [sub('subscribed'), { ...sub('subscribed'), category: 'nope' }],
      'api',
    );
    expect(r.events).toEqual([]);
    expect(r.refusals).toHaveLength(1);
    expect(r.refusals[0]?.index).toBe(1);
  });
});

describe('transactional categories', () => {
  it('refuse an opt-out', () => {
    const r = run(
      emptyState(),
      [
        {
          type: 'subscription',
          category: 'order-updates',
          channel: 'email',
          status: 'unsubscribed',
        },
      ],
      'one_click',
    );
    expect(r.refusals[0]?.reason).toBe('transactional');
  });
  it('need no opt-in: subscribing changes nothing', () => {
    const r = run(
      emptyState(),
      [{ type: 'subscription', category: 'order-updates', channel: 'email', status: 'subscribed' }],
      'api',
    );
    expect(r).toEqual({ events: [], refusals: [] });
  });
});

describe('precedence: the subscriber own opt-out wins (rule 3)', () => {
  for (const source of ['api', 'import', 'admin', 'embed_form'] as const) {
    it(`refuses a ${source} opt-in over it`, () => {
      const r = run(ownOptedOutState(), [sub('subscribed')], source);
      expect(r.refusals[0]?.reason).toBe('own_opt_out');
      expect(r.refusals[0]?.message).toMatch(/opted out themselves/);
    });
  }
  for (const source of ['preference_center', 'sms_keyword', 'double_opt_in'] as const) {
    it(`lets the subscriber's own ${source} opt-in reverse it`, () => {
      const r = run(ownOptedOutState(), [sub('subscribed')], source);
      expect(r.events[0]?.after).toMatchObject({ status: 'subscribed', ownOptOut: false });
    });
  }
  it('lets an API or form start a double opt-in that the subscriber must confirm', () => {
    const r = run(ownOptedOutState(), [sub('pending')], 'api');
    expect(r.events[0]?.after).toEqual({
      status: 'pending',
      frequency: 'instant',
      ownOptOut: true,
    });
    const refused = run(ownOptedOutState(), [sub('pending')], 'import');
    expect(refused.refusals[0]?.reason).toBe('own_opt_out');
  });
  it('lets an import opt in again after an opt-out made by the business', () => {
    const state = emptyState();
    state.subscriptions.set(PROMO_EMAIL, {
      status: 'unsubscribed',
      frequency: null,
      ownOptOut: false,
    });
    expect(run(state, [sub('subscribed')], 'import').events).toHaveLength(1);
  });
  it("refuses an API opt-in under the subscriber's own global opt-out of the channel", () => {
    const state = emptyState();
    state.globalOptOuts.set('email', { optedOut: true, own: true });
    expect(run(state, [sub('subscribed')], 'api').refusals[0]?.reason).toBe('own_opt_out');
    expect(
      run(state, [{ type: 'global_opt_in', channel: 'email' }], 'admin').refusals[0]?.reason,
    ).toBe('own_opt_out');
    expect(
      run(state, [{ type: 'global_opt_in', channel: 'email' }], 'preference_center').events,
    ).toHaveLength(1);
  });
  it('an own opt-out over a business opt-out is recorded (it changes who owns it)', () => {
    const state = emptyState();
    state.subscriptions.set(PROMO_EMAIL, {
      status: 'unsubscribed',
      frequency: null,
      ownOptOut: false,
    });
    expect(run(state, [sub('unsubscribed')], 'unsubscribe_page').events[0]?.after).toMatchObject({
      ownOptOut: true,
    });
  });
});

describe('pause and resume', () => {
  const until = new Date('2027-01-01T00:00:00Z');
  it('pauses until a future date', () => {
    const r = run(subscribedState(), [{ type: 'pause', until }], 'preference_center');
    expect(r.events[0]).toMatchObject({
      type: 'pause',
      after: { until: until.toISOString(), own: true },
    });
  });
  it('refuses a pause that ends in the past', () => {
    expect(
      run(emptyState(), [{ type: 'pause', until: new Date('2020-01-01') }], 'api').refusals[0]
        ?.reason,
    ).toBe('invalid_pause');
  });
  it('resumes; the business cannot cut short the subscriber own pause', () => {
    const state = emptyState();
    state.pause = { until: until.toISOString(), own: true };
    expect(run(state, [{ type: 'resume' }], 'api').refusals[0]?.reason).toBe('own_opt_out');
    expect(run(state, [{ type: 'resume' }], 'preference_center').events[0]?.after).toEqual({
      until: null,
      own: false,
    });
  });
  it('resume without a pause writes nothing', () => {
    expect(run(emptyState(), [{ type: 'resume' }], 'preference_center').events).toEqual([]);
  });
});

describe('global opt-outs, keyword blocks, do-not-sell', () => {
  it('opts out of a channel and of everything', () => {
    const r = run(
      emptyState(),
      [
        { type: 'global_opt_out', channel: 'sms' },
        { type: 'global_opt_out', channel: 'all' },
      ],
      'preference_center',
    );
    expect(r.events.map((e) => e.channel)).toEqual(['sms', null]);
    expect(
      run(emptyState(), [{ type: 'global_opt_in', channel: 'all' }], 'preference_center').events,
    ).toEqual([]);
  });
  it('sets the SMS keyword block only from a keyword', () => {
    expect(
      run(emptyState(), [{ type: 'keyword_block', channel: 'sms', blocked: true }], 'sms_keyword')
        .events,
    ).toHaveLength(1);
    expect(
      run(emptyState(), [{ type: 'keyword_block', channel: 'sms', blocked: true }], 'admin')
        .refusals[0]?.reason,
    ).toBe('keyword_only');
    const blocked = emptyState();
    blocked.keywordBlocks.add('sms');
    expect(
      run(blocked, [{ type: 'keyword_block', channel: 'sms', blocked: false }], 'sms_keyword')
        .events[0]?.after,
    ).toEqual({
      blocked: false,
    });
  });
  it('records do-not-sell from anyone, lifts it only on the subscriber own word', () => {
    expect(run(emptyState(), [{ type: 'do_not_sell', value: true }], 'gpc').events).toHaveLength(1);
    const state = emptyState();
    state.doNotSell = true;
    expect(run(state, [{ type: 'do_not_sell', value: false }], 'api').refusals[0]?.reason).toBe(
      'own_opt_out',
    );
    expect(
      run(state, [{ type: 'do_not_sell', value: false }], 'preference_center').events,
    ).toHaveLength(1);
  });
  it('refuses an opt-in for an erased subscriber', () => {
    const state = emptyState();
    state.erased = true;
    expect(run(state, [sub('subscribed')], 'preference_center').refusals[0]?.reason).toBe('erased');
  });
});

describe('reduce-only power (unsubscribe links)', () => {
  const reduce = { reduceOnly: true };
  it('opts out, opts down and pauses', () => {
    expect(
      run(subscribedState(), [sub('unsubscribed')], 'unsubscribe_page', reduce).events,
    ).toHaveLength(1);
    expect(
      run(
        subscribedState(),
        [{ type: 'frequency', category: 'promotions', channel: 'email', frequency: 'monthly' }],
        'unsubscribe_page',
        reduce,
      ).events,
    ).toHaveLength(1);
    expect(
      run(
        subscribedState(),
        [{ type: 'pause', until: new Date('2027-01-01') }],
        'unsubscribe_page',
        reduce,
      ).events,
    ).toHaveLength(1);
  });
  it('never opts in, raises a frequency, resumes or lifts a global opt-out', () => {
    expect(
      run(emptyState(), [sub('subscribed')], 'unsubscribe_page', reduce).refusals[0]?.reason,
    ).toBe('reduce_only');
    const monthly = emptyState();
    monthly.subscriptions.set(PROMO_EMAIL, {
      status: 'subscribed',
      frequency: 'monthly',
      ownOptOut: false,
    });
    expect(
      run(
        monthly,
        [{ type: 'frequency', category: 'promotions', channel: 'email', frequency: 'instant' }],
        'unsubscribe_page',
        reduce,
      ).refusals[0]?.reason,
    ).toBe('reduce_only');
    const paused = emptyState();
    paused.pause = { until: '2027-01-01T00:00:00.000Z', own: true };
    expect(run(paused, [{ type: 'resume' }], 'unsubscribe_page', reduce).refusals[0]?.reason).toBe(
      'reduce_only',
    );
    const out = emptyState();
    out.globalOptOuts.set('all', { optedOut: true, own: true });
    expect(
      run(out, [{ type: 'global_opt_in', channel: 'all' }], 'unsubscribe_page', reduce).refusals[0]
        ?.reason,
    ).toBe('reduce_only');
  });
});

describe('erasure', () => {
  const erase = [{ type: 'erase' }] as const satisfies ConsentChange[];
  function mixedState(): SubscriberState {
    const state = subscribedState();
    state.subscriptions.set(subscriptionKey('c-promo', 'sms'), {
      status: 'pending',
      frequency: 'weekly',
      ownOptOut: false,
    });
    state.subscriptions.set(subscriptionKey('c-promo', 'push'), {
      status: 'unsubscribed',
      frequency: null,
      ownOptOut: false,
    });
    state.subscriptions.set(subscriptionKey('c-orders', 'email'), {
      status: 'subscribed',
      frequency: 'instant',
      ownOptOut: false,
    });
    return state;
  }

  it('opts out of every active or pending marketing subscription, of everything, then erases', () => {
    const state = mixedState();
    const r = run(state, [...erase], 'erasure');
    expect(r.refusals).toEqual([]);
    expect(r.events).toEqual([
      {
        type: 'subscription',
        categoryId: 'c-promo',
        channel: 'email',
        before: { status: 'subscribed', frequency: 'instant', ownOptOut: false },
        after: { status: 'unsubscribed', frequency: 'instant', ownOptOut: true },
      },
      {
        type: 'subscription',
        categoryId: 'c-promo',
        channel: 'sms',
        before: { status: 'pending', frequency: 'weekly', ownOptOut: false },
        after: { status: 'unsubscribed', frequency: 'weekly', ownOptOut: true },
      },
      {
        type: 'global_opt_out',
        categoryId: null,
        channel: null,
        before: { optedOut: false, own: false },
        after: { optedOut: true, own: true },
      },
      {
        type: 'erasure',
        categoryId: null,
        channel: null,
        before: { value: false },
        after: { value: true },
      },
    ]);
    expect(state.erased).toBe(true);
    // Transactional rows and what is already off are left as they are.
    expect(state.subscriptions.get(subscriptionKey('c-orders', 'email'))?.status).toBe(
      'subscribed',
    );
    expect(state.subscriptions.get(subscriptionKey('c-promo', 'push'))?.ownOptOut).toBe(false);
  });

  it('makes a business global opt-out the subscriber own', () => {
    const state = emptyState();
    state.globalOptOuts.set('all', { optedOut: true, own: false });
    const r = run(state, [...erase], 'erasure');
    expect(r.events.map((e) => e.type)).toEqual(['global_opt_out', 'erasure']);
    expect(r.events[0]?.after).toEqual({ optedOut: true, own: true });
  });

  it('erasing twice changes nothing the second time', () => {
    const state = mixedState();
    run(state, [...erase], 'erasure');
    expect(run(state, [...erase], 'erasure')).toEqual({ events: [], refusals: [] });
  });

  for (const source of ['api', 'admin', 'import', 'preference_center', 'one_click'] as const) {
    it(`is refused from ${source}`, () => {
      const state = subscribedState();
      const r = run(state, [...erase], source);
      expect(r.events).toEqual([]);
      expect(r.refusals[0]?.reason).toBe('erasure_only');
      expect(state.erased).toBe(false);
    });
  }

  it('is deterministic: the same state gives the same events', () => {
    const a = mixedState();
    const b = mixedState();
    expect(run(a, [...erase], 'erasure')).toEqual(run(b, [...erase], 'erasure'));
  });

  it('after erasure no source can opt in again, nor lift the global opt-out', () => {
    const state = subscribedState();
    run(state, [...erase], 'erasure');
    for (const source of ['preference_center', 'double_opt_in', 'api', 'import'] as const) {
      expect(run(state, [sub('subscribed')], source).refusals[0]?.reason).toBe('erased');
      expect(run(state, [sub('pending')], source).refusals[0]?.reason).toBe('erased');
    }
    expect(
      run(state, [{ type: 'global_opt_in', channel: 'all' }], 'preference_center').refusals[0]
        ?.reason,
    ).toBe('erased');
  });

  it('an undo issued before the erasure cannot restore consent after it', () => {
    const state = subscribedState();
    run(state, [...erase], 'erasure');
    const r = run(
      state,
      [
        {
          type: 'restore_subscription',
          category: 'c-promo',
          channel: 'email',
          value: { status: 'subscribed', frequency: 'instant', ownOptOut: false },
        },
      ],
      'unsubscribe_page',
      { restore: true },
    );
    expect(r.refusals[0]?.reason).toBe('erased');
  });

  it('an erasure-source opt-out (a suppressed address) is the subscriber own', () => {
    const state = emptyState();
    const r = run(state, [{ type: 'global_opt_out', channel: 'all' }], 'erasure');
    expect(r.events[0]?.after).toEqual({ optedOut: true, own: true });
    expect(run(state, [sub('subscribed')], 'import').refusals[0]?.reason).toBe('own_opt_out');
    expect(run(state, [sub('subscribed')], 'api').refusals[0]?.reason).toBe('own_opt_out');
    // A double opt-in may start; the subscriber decides by confirming.
    expect(run(state, [sub('pending')], 'api').events).toHaveLength(1);
  });
});
