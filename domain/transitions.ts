import type { Channel, Frequency, Source } from '@/db/schema';
import {
  applyEvent,
  type EventBody,
  NO_SUBSCRIPTION,
  NOT_OPTED_OUT,
  type SubscriberState,
  type SubscriptionValue,
  subscriptionKey,
} from './ledger';

/**
 * The consent state machine, pure: given a subscriber's current state and the requested changes,
 * the events to write or the reasons to refuse. The one door (consent.ts) runs it under the
 * subscriber's row lock.
 */

export type ConsentChange =
  | {
      type: 'subscription';
      category: string;
      channel: Channel;
      status: 'subscribed' | 'unsubscribed' | 'pending';
      frequency?: Frequency;
    }
  | { type: 'frequency'; category: string; channel: Channel; frequency: Frequency }
  | { type: 'expire_pending'; category: string; channel: Channel }
  /** Only with `restore` (undo): sets a subscription back to an exact earlier value. */
  | { type: 'restore_subscription'; category: string; channel: Channel; value: SubscriptionValue }
  | { type: 'pause'; until: Date }
  | { type: 'resume' }
  | { type: 'global_opt_out'; channel: Channel | 'all' }
  | { type: 'global_opt_in'; channel: Channel | 'all' }
  | { type: 'keyword_block'; channel: Channel; blocked: boolean }
  | { type: 'do_not_sell'; value: boolean }
  /**
   * Only with source `erasure`: opts out of every marketing subscription and of everything, as
   * the subscriber's own act, then marks the subscriber erased (no opt-in is accepted after).
   */
  | { type: 'erase' };

export type RefusalReason =
  | 'own_opt_out'
  | 'transactional'
  | 'unknown_category'
  | 'unsupported_channel'
  | 'invalid_frequency'
  | 'not_subscribed'
  | 'reduce_only'
  | 'keyword_only'
  | 'erased'
  | 'erasure_only'
  | 'invalid_pause';

export type Refusal = { index: number; reason: RefusalReason; message: string };

export type CategoryInfo = {
  id: string;
  slug: string;
  kind: 'marketing' | 'transactional';
  channels: Channel[];
  frequencies: Frequency[];
  defaultFrequency: Frequency;
  archived: boolean;
};

export type TransitionContext = {
  source: Source;
  now: Date;
  /** Categories of the workspace, by slug and by id. */
  categories: Map<string, CategoryInfo>;
  /** An unsubscribe token's power: only less consent, never more. */
  reduceOnly?: boolean;
  /** An undo restores a prior state on the subscriber's own behalf. */
  restore?: boolean;
};

/** A subscriber's own actions: an opt-out made through these is theirs (rule 3). */
const OWN_SOURCES: ReadonlySet<Source> = new Set([
  'preference_center',
  'unsubscribe_page',
  'one_click',
  'sms_keyword',
  'double_opt_in',
  'gpc',
  // Erasure is the subscriber's own request, and a suppressed address re-entering is that
  // request's echo: the opt-outs it records must not be reversible by an import or the API.
  'erasure',
  // A spam complaint is the person pressing "this is spam" in their mailbox: their own no. (A
  // hard bounce, source `bounce`, is not: it says the address does not take mail, and the
  // business may lift it through the API once the address works again.)
  'complaint',
]);
/** A subscriber's own explicit opt-in: the only thing that reverses their own opt-out. */
const OWN_OPT_IN_SOURCES: ReadonlySet<Source> = new Set([
  'preference_center',
  'sms_keyword',
  'double_opt_in',
]);
/** Sources that may start a double opt-in over an own opt-out: the subscriber decides by confirming. */
const PENDING_OVER_OWN_OPT_OUT: ReadonlySet<Source> = new Set(['api', 'embed_form']);
const KEYWORD_SOURCES: ReadonlySet<Source> = new Set(['sms_keyword']);

const FREQUENCY_RANK: Record<Frequency, number> = { instant: 4, daily: 3, weekly: 2, monthly: 1 };

export function isOwnSource(source: Source): boolean {
  return OWN_SOURCES.has(source);
}

export type TransitionResult = { events: EventBody[]; refusals: Refusal[] };

const MESSAGES: Record<RefusalReason, string> = {
  own_opt_out:
    'The subscriber opted out themselves; only their own explicit opt-in (preference center, START, a confirmed form) can reverse it.',
  transactional: 'Transactional categories are always on and cannot be opted out of.',
  unknown_category: 'No such category in this workspace.',
  unsupported_channel: 'This category is not offered on that channel.',
  invalid_frequency: 'This category does not offer that frequency.',
  not_subscribed: 'The subscriber is not subscribed to this category on that channel.',
  reduce_only: 'This link can only reduce consent; use the preferences link to opt in.',
  keyword_only: 'A keyword block is set and lifted only by the subscriber texting STOP or START.',
  erased: 'This subscriber was erased and cannot be opted in again.',
  erasure_only: 'Erasing a subscriber is done only by an erasure request.',
  invalid_pause: 'A pause must end in the future.',
};

export function computeTransitions(
  state: SubscriberState,
  changes: ConsentChange[],
  ctx: TransitionContext,
): TransitionResult {
  const events: EventBody[] = [];
  const refusals: Refusal[] = [];
  const own = OWN_SOURCES.has(ctx.source);
  const ownOptIn = OWN_OPT_IN_SOURCES.has(ctx.source) || ctx.restore === true;

  const refuse = (index: number, reason: RefusalReason): void => {
    refusals.push({ index, reason, message: MESSAGES[reason] });
  };
  const emit = (event: EventBody) => {
    events.push(event);
    applyEvent(state, event);
  };

  const step = (change: ConsentChange, index: number) => {
    switch (change.type) {
      case 'restore_subscription': {
        const category = ctx.categories.get(change.category);
        if (!ctx.restore || !category) return refuse(index, 'unknown_category');
        // An undo link issued before an erasure must not bring consent back after it.
        if (
          state.erased &&
          (change.value.status === 'subscribed' || change.value.status === 'pending')
        )
          return refuse(index, 'erased');
        const key = subscriptionKey(category.id, change.channel);
        const before = state.subscriptions.get(key) ?? NO_SUBSCRIPTION;
        if (sameSubscription(before, change.value)) return;
        emit({
          type: 'subscription',
          categoryId: category.id,
          channel: change.channel,
          before,
          after: { ...change.value },
        });
        return;
      }
      case 'subscription':
      case 'frequency':
      case 'expire_pending': {
        const category = ctx.categories.get(change.category);
        if (!category || category.archived) return refuse(index, 'unknown_category');
        if (!category.channels.includes(change.channel))
          return refuse(index, 'unsupported_channel');
        const key = subscriptionKey(category.id, change.channel);
        const before = state.subscriptions.get(key) ?? NO_SUBSCRIPTION;
        const ownGlobal =
          state.globalOptOuts.get(change.channel)?.own === true ||
          state.globalOptOuts.get('all')?.own === true;
        const next = nextSubscription(before, change, category, ctx, {
          own,
          ownOptIn,
          erased: state.erased,
          ownOptOut: before.ownOptOut || ownGlobal,
        });
        if (typeof next === 'string') return refuse(index, next);
        if (next === null || sameSubscription(before, next)) return;
        emit({
          type: 'subscription',
          categoryId: category.id,
          channel: change.channel,
          before,
          after: next,
        });
        return;
      }
      case 'pause': {
        if (change.until.getTime() <= ctx.now.getTime()) return refuse(index, 'invalid_pause');
        const after = { until: change.until.toISOString(), own: own || state.pause.own };
        if (after.until === state.pause.until && after.own === state.pause.own) return;
        emit({ type: 'pause', categoryId: null, channel: null, before: state.pause, after });
        return;
      }
      case 'resume': {
        const { until } = state.pause;
        if (until === null) return;
        if (ctx.reduceOnly) return refuse(index, 'reduce_only');
        const running = Date.parse(until) > ctx.now.getTime();
        if (running && state.pause.own && !ownOptIn) return refuse(index, 'own_opt_out');
        emit({
          type: 'pause',
          categoryId: null,
          channel: null,
          before: state.pause,
          after: { until: null, own: false },
        });
        return;
      }
      case 'global_opt_out': {
        const before = state.globalOptOuts.get(change.channel) ?? NOT_OPTED_OUT;
        const after = { optedOut: true, own: own || before.own };
        if (before.optedOut && before.own === after.own) return;
        emit({
          type: 'global_opt_out',
          categoryId: null,
          channel: scopeChannel(change.channel),
          before,
          after,
        });
        return;
      }
      case 'global_opt_in': {
        const before = state.globalOptOuts.get(change.channel) ?? NOT_OPTED_OUT;
        if (!before.optedOut) return;
        if (ctx.reduceOnly) return refuse(index, 'reduce_only');
        if (state.erased) return refuse(index, 'erased');
        if (before.own && !ownOptIn) return refuse(index, 'own_opt_out');
        emit({
          type: 'global_opt_out',
          categoryId: null,
          channel: scopeChannel(change.channel),
          before,
          after: NOT_OPTED_OUT,
        });
        return;
      }
      case 'keyword_block': {
        const blocked = state.keywordBlocks.has(change.channel);
        if (blocked === change.blocked) return;
        if (!KEYWORD_SOURCES.has(ctx.source) && !ctx.restore) return refuse(index, 'keyword_only');
        if (!change.blocked && ctx.reduceOnly) return refuse(index, 'reduce_only');
        emit({
          type: 'keyword_block',
          categoryId: null,
          channel: change.channel,
          before: { blocked },
          after: { blocked: change.blocked },
        });
        return;
      }
      case 'do_not_sell': {
        if (state.doNotSell === change.value) return;
        if (!change.value) {
          if (ctx.reduceOnly) return refuse(index, 'reduce_only');
          if (!ownOptIn) return refuse(index, 'own_opt_out');
        }
        emit({
          type: 'do_not_sell',
          categoryId: null,
          channel: null,
          before: { value: state.doNotSell },
          after: { value: change.value },
        });
        return;
      }
      case 'erase': {
        if (ctx.source !== 'erasure') return refuse(index, 'erasure_only');
        // Sorted, so the same state always gives the same events in the same order.
        for (const key of [...state.subscriptions.keys()].sort()) {
          const before = state.subscriptions.get(key) as SubscriptionValue;
          if (before.status !== 'subscribed' && before.status !== 'pending') continue;
          const split = key.lastIndexOf(':');
          const categoryId = key.slice(0, split);
          if (ctx.categories.get(categoryId)?.kind === 'transactional') continue;
          emit({
            type: 'subscription',
            categoryId,
            channel: key.slice(split + 1) as Channel,
            before,
            after: { status: 'unsubscribed', frequency: before.frequency, ownOptOut: true },
          });
        }
        const optOut = state.globalOptOuts.get('all') ?? NOT_OPTED_OUT;
        if (!optOut.optedOut || !optOut.own) {
          emit({
            type: 'global_opt_out',
            categoryId: null,
            channel: null,
            before: optOut,
            after: { optedOut: true, own: true },
          });
        }
        if (!state.erased) {
          emit({
            type: 'erasure',
            categoryId: null,
            channel: null,
            before: { value: false },
            after: { value: true },
          });
        }
        return;
      }
    }
  };
  changes.forEach(step);
  return refusals.length > 0 ? { events: [], refusals } : { events, refusals };
}

function scopeChannel(scope: Channel | 'all'): Channel | null {
  return scope === 'all' ? null : scope;
}

function sameSubscription(a: SubscriptionValue, b: SubscriptionValue): boolean {
  return a.status === b.status && a.frequency === b.frequency && a.ownOptOut === b.ownOptOut;
}

/** The next value of one subscription, `null` for "nothing to do", or a refusal reason. */
function nextSubscription(
  before: SubscriptionValue,
  change: Extract<ConsentChange, { type: 'subscription' | 'frequency' | 'expire_pending' }>,
  category: CategoryInfo,
  ctx: TransitionContext,
  who: { own: boolean; ownOptIn: boolean; erased: boolean; ownOptOut: boolean },
): SubscriptionValue | RefusalReason | null {
  const { own, ownOptIn, erased } = who;
  const transactional = category.kind === 'transactional';

  if (change.type === 'expire_pending') {
    if (before.status !== 'pending') return null;
    return {
      status: before.ownOptOut ? 'unsubscribed' : 'none',
      frequency: before.frequency,
      ownOptOut: before.ownOptOut,
    };
  }

  if (
    change.type === 'frequency' ||
    (change.status === 'subscribed' && before.status === 'subscribed')
  ) {
    if (transactional) return null;
    const frequency = change.frequency ?? before.frequency ?? category.defaultFrequency;
    if (!category.frequencies.includes(frequency)) return 'invalid_frequency';
    if (before.status !== 'subscribed' && before.status !== 'pending') return 'not_subscribed';
    const current = before.frequency ?? category.defaultFrequency;
    if (ctx.reduceOnly && FREQUENCY_RANK[frequency] > FREQUENCY_RANK[current]) return 'reduce_only';
    return { ...before, frequency };
  }

  switch (change.status) {
    case 'unsubscribed':
      if (transactional) return 'transactional';
      return {
        status: 'unsubscribed',
        frequency: before.frequency,
        ownOptOut: own || before.ownOptOut,
      };
    case 'subscribed': {
      if (transactional) return null;
      if (ctx.reduceOnly) return 'reduce_only';
      if (erased) return 'erased';
      if (who.ownOptOut && !ownOptIn) return 'own_opt_out';
      const frequency = change.frequency ?? before.frequency ?? category.defaultFrequency;
      if (!category.frequencies.includes(frequency)) return 'invalid_frequency';
      return { status: 'subscribed', frequency, ownOptOut: false };
    }
    case 'pending': {
      if (transactional || before.status === 'subscribed') return null;
      if (ctx.reduceOnly) return 'reduce_only';
      if (erased) return 'erased';
      if (who.ownOptOut && !ownOptIn && !PENDING_OVER_OWN_OPT_OUT.has(ctx.source))
        return 'own_opt_out';
      const frequency = change.frequency ?? before.frequency ?? category.defaultFrequency;
      if (!category.frequencies.includes(frequency)) return 'invalid_frequency';
      return { status: 'pending', frequency, ownOptOut: before.ownOptOut };
    }
  }
}
