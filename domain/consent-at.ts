import { z } from 'zod';
import { type Db, db as getDb } from '@/db/client';
import {
  categoriesForLedger,
  eventsAnnotations,
  ledgerUntil,
  subscriberForConsole,
} from '@/db/queries/admin-subscribers';
import { CHANNELS, type Channel } from '@/db/schema';
import { categoryName, type TimelineEvent, timelineEvent } from './admin-subscribers';
import { DomainError } from './errors';
import { NO_SUBSCRIPTION, type SubscriptionValue } from './ledger';

/**
 * "Was this person subscribed to category X on channel Y at moment D?", answered from the ledger
 * alone: the subscriber's events with `occurredAt <= D` (inclusive), folded in sequence order, the
 * way the check decides today (DESIGN.md: an SMS keyword block stops everything, transactional is
 * always on, a global opt-out beats a subscription). The projection is never read, so the answer
 * holds even if the projection were wrong.
 */

/** The parts of a ledger event the answer needs. */
export type AtEvent = {
  seq: number;
  type: string;
  categoryId: string | null;
  channel: Channel | null;
  after: unknown;
  occurredAt: Date;
};

export type ConsentAtAnswer = 'yes' | 'no' | 'pending' | 'never';

export type ConsentAtReason =
  | 'subscribed'
  | 'paused'
  | 'pending'
  | 'unsubscribed'
  | 'not_subscribed'
  | 'never'
  | 'transactional'
  | 'global_opt_out'
  | 'sms_blocked'
  | 'erased';

export type ConsentAtResult<E extends AtEvent = AtEvent> = {
  answer: ConsentAtAnswer;
  reason: ConsentAtReason;
  at: Date;
  /** The subscription as the ledger had it at D (`none` if never touched). */
  subscription: SubscriptionValue;
  /** The event that made the answer what it is (null: nothing had happened, or transactional). */
  decidedBy: E | null;
  /** The last event on this category and channel at D, when another event decided the answer. */
  subscriptionEvent: E | null;
  /** A pause in force at D: sends were held back although the person stayed subscribed. */
  pause: { until: string; event: E } | null;
  /** How many of the subscriber's events had happened at D. */
  eventsConsidered: number;
};

export function consentAt<E extends AtEvent>(
  events: readonly E[],
  question: { categoryId: string; channel: Channel; kind: 'marketing' | 'transactional' },
  at: Date,
): ConsentAtResult<E> {
  const limit = at.getTime();
  const happened = [...events]
    .filter((e) => e.occurredAt.getTime() <= limit)
    .sort((a, b) => a.seq - b.seq);
  let subscriptionEvent: E | null = null;
  let channelOptOut: E | null = null;
  let allOptOut: E | null = null;
  let block: E | null = null;
  let erasure: E | null = null;
  let pause: E | null = null;
  for (const e of happened) {
    switch (e.type) {
      case 'subscription':
        if (e.categoryId === question.categoryId && e.channel === question.channel)
          subscriptionEvent = e;
        break;
      case 'global_opt_out':
        if (e.channel === null) allOptOut = e;
        else if (e.channel === question.channel) channelOptOut = e;
        break;
      case 'keyword_block':
        if (e.channel === question.channel) block = e;
        break;
      case 'erasure':
        erasure = e;
        break;
      case 'pause':
        pause = e;
        break;
    }
  }
  const subscription = subscriptionEvent
    ? (subscriptionEvent.after as SubscriptionValue)
    : NO_SUBSCRIPTION;
  const result = (
    answer: ConsentAtAnswer,
    reason: ConsentAtReason,
    decidedBy: E | null,
  ): ConsentAtResult<E> => ({
    answer,
    reason,
    at,
    subscription,
    decidedBy,
    subscriptionEvent:
      subscriptionEvent && subscriptionEvent !== decidedBy ? subscriptionEvent : null,
    pause: null,
    eventsConsidered: happened.length,
  });

  if (erasure && (erasure.after as { value?: boolean }).value === true)
    return result('no', 'erased', erasure);
  if (block && (block.after as { blocked?: boolean }).blocked === true)
    return result('no', 'sms_blocked', block);
  if (question.kind === 'transactional') return result('yes', 'transactional', null);
  const optOuts = [channelOptOut, allOptOut]
    .filter((e): e is E => e !== null && (e.after as { optedOut?: boolean }).optedOut === true)
    .sort((a, b) => b.seq - a.seq);
  if (optOuts[0]) return result('no', 'global_opt_out', optOuts[0]);
  switch (subscription.status) {
    case 'none':
      return subscriptionEvent
        ? result('no', 'not_subscribed', subscriptionEvent)
        : result('never', 'never', null);
    case 'unsubscribed':
      return result('no', 'unsubscribed', subscriptionEvent);
    case 'pending':
      return result('pending', 'pending', subscriptionEvent);
    case 'subscribed': {
      const until = (pause?.after as { until?: string | null } | undefined)?.until ?? null;
      if (pause && until && Date.parse(until) > limit) {
        return { ...result('yes', 'paused', subscriptionEvent), pause: { until, event: pause } };
      }
      return result('yes', 'subscribed', subscriptionEvent);
    }
  }
}

/** What each answer means, in words a compliance officer reads. */
export const REASON_WORDS: Record<ConsentAtReason, string> = {
  subscribed: 'Subscribed: messages of this category on this channel were allowed.',
  paused:
    'Subscribed, but the person had paused their messages: consent stood, and sends were to be held back until the pause ended.',
  pending:
    'Awaiting confirmation (double opt-in): the person had been asked to confirm and had not yet; nothing was to be sent.',
  unsubscribed: 'Not subscribed: the person had been unsubscribed.',
  not_subscribed:
    'Not subscribed: a request was made once, but it was not confirmed and lapsed (or was withdrawn).',
  never: 'Never subscribed: the ledger holds no consent for this category on this channel by then.',
  transactional:
    'Transactional category: always allowed, no consent needed (unless the carrier blocked the number).',
  global_opt_out:
    'Not allowed: the person had opted out of everything on this channel (or every channel).',
  sms_blocked:
    'Not allowed: the person had texted STOP, so the carrier blocked every message to the number.',
  erased: 'Not allowed: the person had been erased at their request.',
};

/**
 * A moment as a person types it: `2026-03-01T14:30` or with seconds (and milliseconds) read as
 * UTC, or a full ISO 8601 timestamp with `Z` or an offset.
 */
export function parseMoment(text: string): Date | undefined {
  const value = text.trim();
  const local = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(
    value,
  );
  if (local) {
    const [, y, mo, d, h, mi, s, ms] = local;
    const date = new Date(
      Date.UTC(
        Number(y),
        Number(mo) - 1,
        Number(d),
        Number(h),
        Number(mi),
        Number(s ?? 0),
        Number((ms ?? '0').padEnd(3, '0')),
      ),
    );
    // Date.UTC rolls 2026-02-30 over to March: refuse instead of answering about another day.
    if (date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(mo) - 1) return undefined;
    return date;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

/** The question as the subscriber page's form sends it (GET parameters). */
export const consentAtQuestionSchema = z.object({
  category: z.string().trim().min(1, 'Choose a category.'),
  channel: z.enum(CHANNELS, { message: 'Choose a channel.' }),
  at: z
    .string()
    .trim()
    .min(1, 'Give a date and time.')
    .transform((v, ctx) => {
      const date = parseMoment(v);
      if (!date) {
        ctx.addIssue({
          code: 'custom',
          message: 'Give a date and time like 2026-03-01T14:30 (UTC).',
        });
        return z.NEVER;
      }
      return date;
    }),
});
export type ConsentAtQuestion = z.output<typeof consentAtQuestionSchema>;

export type ConsentAtReport = Omit<ConsentAtResult, 'decidedBy' | 'subscriptionEvent' | 'pause'> & {
  category: { id: string; slug: string; kind: 'marketing' | 'transactional' };
  channel: Channel;
  decidedBy: TimelineEvent | null;
  subscriptionEvent: TimelineEvent | null;
  pause: { until: string; event: TimelineEvent } | null;
};

/**
 * The question against one subscriber of one workspace: not_found for a subscriber or category
 * of another workspace. The events that decided the answer come as the timeline shows them: in
 * words, with their evidence, the feedback given with them and the consent text they name.
 */
export async function consentAtForSubscriber(
  input: { workspaceId: string; subscriberId: string } & ConsentAtQuestion,
  database?: Db,
): Promise<ConsentAtReport> {
  const dbh = database ?? (await getDb());
  const ids = { workspaceId: input.workspaceId, subscriberId: input.subscriberId };
  if (!UUID.test(input.subscriberId) || !(await subscriberForConsole(dbh, ids)))
    throw new DomainError('not_found', 'No such subscriber in this workspace.');
  const categories = await categoriesForLedger(dbh, input.workspaceId);
  const category = categories.find((c) => c.slug === input.category);
  if (!category) throw new DomainError('not_found', 'No such category in this workspace.');
  const events = await ledgerUntil(dbh, { ...ids, at: input.at });
  const plain = consentAt(
    events,
    { categoryId: category.id, channel: input.channel, kind: category.kind },
    input.at,
  );
  const wanted = [plain.decidedBy, plain.subscriptionEvent, plain.pause?.event]
    .filter((e) => e !== null && e !== undefined)
    .map((e) => e.seq);
  const names = new Map(categories.map((c) => [c.slug, categoryName(c.texts, c.slug)]));
  const annotated = new Map(
    (await eventsAnnotations(dbh, { ...ids, seqs: wanted })).map((e) => [
      e.seq,
      timelineEvent(e, names),
    ]),
  );
  const pick = (e: { seq: number } | null | undefined) =>
    e ? (annotated.get(e.seq) ?? null) : null;
  const pauseEvent = pick(plain.pause?.event);
  return {
    ...plain,
    decidedBy: pick(plain.decidedBy),
    subscriptionEvent: pick(plain.subscriptionEvent),
    pause: plain.pause && pauseEvent ? { until: plain.pause.until, event: pauseEvent } : null,
    category: { id: category.id, slug: category.slug, kind: category.kind },
    channel: input.channel,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
