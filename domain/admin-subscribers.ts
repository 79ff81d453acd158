import { z } from 'zod';
import { type Db, db as getDb } from '@/db/client';
import {
  type AnnotatedEvent,
  categoriesForLedger,
  countSubscribers,
  ledgerPageNewestFirst,
  newestSubscribers,
  searchSubscribersByKeys,
  subscriberForConsole,
} from '@/db/queries/admin-subscribers';
import { listSubscriptions } from '@/db/queries/subscribers';
import type {
  Channel,
  EvidenceData,
  Frequency,
  LocalizedText,
  SubscriptionStatus,
} from '@/db/schema';
import { FREQUENCY_LABELS } from './admin-category-validation';
import { verifySubscribers } from './chain';
import { pick } from './i18n';
import type { PauseValue, SubscriptionValue } from './ledger';
import { normalizeEmail } from './subscribers';

/**
 * Subscribers as the admin console reads them (issue 7, item 6): search, one person's current
 * consent, their ledger as a timeline in words, and the chain check. Read-only for every member
 * (viewers included): nothing here changes consent, which only the one door does.
 *
 * Every function takes the workspace id the page's guard resolved and answers nothing (undefined
 * or an empty list) for a subscriber of another workspace: the same as for one that never existed.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const E164 = /^\+[1-9]\d{6,14}$/;
export const SEARCH_LIMIT = 20;
export const TIMELINE_PAGE = 50;

export const subscriberSearchSchema = z.object({
  q: z.string().trim().max(320, 'That is longer than any address or id.').optional().default(''),
});

/**
 * The keys one search box stands for, normalised like the API normalises them: an address is
 * trimmed and lower-cased; a phone loses spaces, dots, dashes and brackets (and `00` or a missing
 * `+` before the country code is read as `+`); the text as typed is also an external id, and a
 * subscriber id if it is one.
 */
export function searchKeys(query: string) {
  const text = query.trim();
  const keys: { externalId?: string; email?: string; phone?: string; id?: string } = {};
  if (!text) return keys;
  keys.externalId = text;
  if (text.includes('@')) keys.email = normalizeEmail(text);
  const digits = text.replace(/[\s().-]/g, '');
  const phone = digits.startsWith('00')
    ? `+${digits.slice(2)}`
    : digits.startsWith('+')
      ? digits
      : `+${digits}`;
  if (/^\+?\d+$/.test(digits) && E164.test(phone)) keys.phone = phone;
  if (UUID.test(text)) keys.id = text.toLowerCase();
  return keys;
}

export type SubscriberListItem = {
  id: string;
  externalId: string | null;
  email: string | null;
  phone: string | null;
  createdAt: Date;
  erased: boolean;
  events: number;
};

export type SubscriberSearch = {
  query: string;
  /** What the query was looked up as, in words ("email address a@b.c"). */
  lookedFor: string[];
  results: SubscriberListItem[];
  /** Subscribers in the workspace (to tell "nobody here yet" from "nobody matches"). */
  total: number;
};

/**
 * Exact matches of the query in this workspace only; without a query, the newest subscribers.
 * Erased subscribers are listed without personal data (erasure removed it).
 */
export async function searchSubscribersForAdmin(
  workspaceId: string,
  query: string,
  database?: Db,
): Promise<SubscriberSearch> {
  const dbh = database ?? (await getDb());
  const keys = searchKeys(query);
  const [rows, total] = await Promise.all([
    query.trim()
      ? searchSubscribersByKeys(dbh, { workspaceId, ...keys, limit: SEARCH_LIMIT })
      : newestSubscribers(dbh, { workspaceId, limit: SEARCH_LIMIT }),
    countSubscribers(dbh, workspaceId),
  ]);
  const lookedFor: string[] = [];
  if (keys.email) lookedFor.push(`email address ${keys.email}`);
  if (keys.phone) lookedFor.push(`phone number ${keys.phone}`);
  if (keys.externalId) lookedFor.push(`external id ${keys.externalId}`);
  if (keys.id) lookedFor.push(`subscriber id ${keys.id}`);
  return {
    query: query.trim(),
    lookedFor,
    total,
    results: rows.map((r) => ({
      id: r.id,
      externalId: r.erasedAt ? null : r.externalId,
      email: r.erasedAt ? null : r.email,
      phone: r.erasedAt ? null : r.phone,
      createdAt: r.createdAt,
      erased: r.erasedAt !== null,
      events: r.lastSeq,
    })),
  };
}

// --- one subscriber ---------------------------------------------------------------------------

export type SubscriptionCell = {
  channel: Channel;
  status: SubscriptionStatus;
  frequency: Frequency | null;
  updatedAt: Date | null;
};

export type CategoryConsent = {
  slug: string;
  name: string;
  kind: 'marketing' | 'transactional';
  archived: boolean;
  cells: SubscriptionCell[];
};

export type SubscriberDetail = {
  id: string;
  erased: boolean;
  erasedAt: Date | null;
  externalId: string | null;
  email: string | null;
  phone: string | null;
  locale: string | null;
  createdAt: Date;
  pausedUntil: Date | null;
  pauseOwn: boolean;
  /** Channels opted out of entirely (`all`: every channel), with whether it was the person's own. */
  globalOptOuts: { scope: Channel | 'all'; own: boolean }[];
  smsKeywordBlocks: Channel[];
  doNotSell: boolean;
  chainHead: { seq: number; hash: string };
  categories: CategoryConsent[];
};

export function categoryName(texts: LocalizedText | null | undefined, slug: string): string {
  return pick(texts ?? {}, 'en')?.name ?? slug;
}

/** One subscriber of this workspace with its current consent, or undefined. */
export async function subscriberForAdmin(
  workspaceId: string,
  subscriberId: string,
  database?: Db,
): Promise<SubscriberDetail | undefined> {
  if (!UUID.test(subscriberId)) return undefined;
  const dbh = database ?? (await getDb());
  const row = await subscriberForConsole(dbh, { workspaceId, subscriberId });
  if (!row) return undefined;
  const [cats, subs] = await Promise.all([
    categoriesForLedger(dbh, workspaceId),
    listSubscriptions(dbh, workspaceId, subscriberId),
  ]);
  const bySlug = new Map<string, typeof subs>();
  for (const s of subs) bySlug.set(s.category, [...(bySlug.get(s.category) ?? []), s]);
  const categories: CategoryConsent[] = cats
    .filter((c) => c.archivedAt === null || bySlug.has(c.slug))
    .map((c) => {
      const held = bySlug.get(c.slug) ?? [];
      const channels = [
        ...c.channels,
        ...held.map((s) => s.channel).filter((ch) => !c.channels.includes(ch)),
      ];
      return {
        slug: c.slug,
        name: categoryName(c.texts, c.slug),
        kind: c.kind,
        archived: c.archivedAt !== null,
        cells: channels.map((channel) => {
          const s = held.find((x) => x.channel === channel);
          return {
            channel,
            status: s?.status ?? 'none',
            frequency: s?.frequency ?? null,
            updatedAt: s?.updatedAt ?? null,
          };
        }),
      };
    });
  const erased = row.erasedAt !== null;
  return {
    id: row.id,
    erased,
    erasedAt: row.erasedAt,
    // Erasure already cleared these; never shown for an erased person even if some remained.
    externalId: erased ? null : row.externalId,
    email: erased ? null : row.email,
    phone: erased ? null : row.phone,
    locale: erased ? null : row.locale,
    createdAt: row.createdAt,
    pausedUntil: row.pausedUntil,
    pauseOwn: row.pauseOwn,
    globalOptOuts: Object.entries(row.globalOptOuts)
      .filter(([, v]) => v)
      .map(([scope, v]) => ({ scope: scope as Channel | 'all', own: v?.own === true }))
      .sort((a, b) => a.scope.localeCompare(b.scope)),
    smsKeywordBlocks: [...row.keywordBlocks],
    doNotSell: row.doNotSell,
    chainHead: { seq: row.lastSeq, hash: row.headHash },
    categories,
  };
}

// --- the ledger in words -----------------------------------------------------------------------

export const SOURCE_WORDS: Record<string, string> = {
  preference_center: 'Preference center (the person, through their link)',
  unsubscribe_page: 'Unsubscribe page (the person, through an unsubscribe link)',
  one_click: 'One-click unsubscribe (sent by the mail provider for the person)',
  sms_keyword: 'SMS keyword texted by the person',
  embed_form: 'Signup form',
  double_opt_in: 'Double opt-in: the person confirmed',
  api: 'Sender API (the business’s systems)',
  import: 'Import',
  admin: 'Admin console',
  gpc: 'Global Privacy Control signal from the person’s browser',
  expiry: 'Expired: the confirmation was not given in time',
  erasure: 'Erasure request',
  bounce: 'Hard bounce: the address does not take mail',
  complaint: 'Spam complaint by the person',
};

export const STATUS_WORDS: Record<SubscriptionStatus, string> = {
  none: 'not subscribed',
  subscribed: 'subscribed',
  unsubscribed: 'unsubscribed',
  pending: 'awaiting confirmation',
};

export const FEEDBACK_REASON_WORDS: Record<string, string> = {
  too_frequent: 'Too many messages',
  not_relevant: 'Not relevant to them',
  never_signed_up: 'Never signed up',
  prefer_other_channel: 'Prefers another channel',
  privacy: 'Privacy concerns',
  other: 'Other',
};

const WHEN = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'medium',
  timeZone: 'UTC',
});

/** A moment as the console states it: always in UTC, and saying so. */
export function formatUtc(date: Date | string): string {
  return `${WHEN.format(typeof date === 'string' ? new Date(date) : date)} UTC`;
}

/** A channel mid-sentence ("by email", "on SMS"). */
const CHANNEL_IN_TEXT: Record<Channel, string> = {
  email: 'email',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  push: 'push',
};

export function channelWords(channel: string | null): string {
  if (channel === null) return 'every channel';
  return CHANNEL_IN_TEXT[channel as Channel] ?? channel;
}

function subscriptionWords(v: SubscriptionValue): string {
  const status = STATUS_WORDS[v.status] ?? v.status;
  if (v.status === 'subscribed' && v.frequency)
    return `${status} (${FREQUENCY_LABELS[v.frequency].toLowerCase()})`;
  return status;
}

export type EventWords = { title: string; change: string; own: boolean };

/** One ledger event in words: what changed, and from what to what. */
export function describeEvent(e: {
  type: string;
  category: string | null;
  categoryName?: string | null;
  channel: string | null;
  before: unknown;
  after: unknown;
}): EventWords {
  const what = `${e.categoryName ?? e.category ?? 'a removed category'} by ${channelWords(e.channel)}`;
  switch (e.type) {
    case 'subscription': {
      const before = e.before as SubscriptionValue;
      const after = e.after as SubscriptionValue;
      const own = after.status === 'unsubscribed' && after.ownOptOut;
      let title: string;
      if (after.status === before.status && after.frequency !== before.frequency)
        title = `Changed how often: ${what}`;
      else if (after.status === 'subscribed') title = `Subscribed to ${what}`;
      else if (after.status === 'unsubscribed') title = `Unsubscribed from ${what}`;
      else if (after.status === 'pending') title = `Asked to confirm ${what}`;
      else title = `Request lapsed: ${what}`;
      return {
        title,
        change: `From ${subscriptionWords(before)} to ${subscriptionWords(after)}.`,
        own,
      };
    }
    case 'pause': {
      const before = e.before as PauseValue;
      const after = e.after as PauseValue;
      const state = (p: PauseValue) =>
        p.until ? `paused until ${formatUtc(p.until)}` : 'not paused';
      return {
        title: after.until ? 'Paused marketing messages' : 'Resumed marketing messages',
        change: `From ${state(before)} to ${state(after)}.`,
        own: after.own,
      };
    }
    case 'global_opt_out': {
      const after = e.after as { optedOut: boolean; own: boolean };
      const scope = channelWords(e.channel);
      return after.optedOut
        ? {
            title: `Opted out of everything on ${scope}`,
            change: `From allowed to opted out on ${scope}.`,
            own: after.own,
          }
        : {
            title: `Opt-out of everything on ${scope} lifted`,
            change: `From opted out to allowed on ${scope}.`,
            own: false,
          };
    }
    case 'keyword_block': {
      const after = e.after as { blocked: boolean };
      const scope = channelWords(e.channel);
      return after.blocked
        ? {
            title: `Carrier block on ${scope} (texted STOP)`,
            change: `From not blocked to blocked: no message of any kind on ${scope}.`,
            own: true,
          }
        : {
            title: `Carrier block on ${scope} lifted (texted START)`,
            change: 'From blocked to not blocked.',
            own: false,
          };
    }
    case 'do_not_sell': {
      const after = e.after as { value: boolean };
      return after.value
        ? {
            title: 'Asked not to have their data sold or shared',
            change: 'From allowed to do not sell or share.',
            own: true,
          }
        : {
            title: 'Allowed their data to be sold or shared again',
            change: 'From do not sell or share to allowed.',
            own: false,
          };
    }
    case 'erasure':
      return {
        title: 'Erased at their request',
        change: 'Personal data and evidence deleted; the ledger keeps only what proves consent.',
        own: true,
      };
    default:
      return { title: e.type, change: '', own: false };
  }
}

const EVIDENCE_LABELS: [keyof EvidenceData, string][] = [
  ['ip', 'IP address'],
  ['userAgent', 'Browser (user agent)'],
  ['origin', 'Page the form was embedded in'],
  ['formId', 'Form id'],
  ['consentTextVersion', 'Consent text version'],
  ['consentTextId', 'Consent text id'],
  ['keyword', 'SMS keyword'],
  ['tokenPurpose', 'Link used'],
  ['tokenKid', 'Link signing key'],
  ['apiKeyId', 'API key id'],
  ['adminId', 'Admin id'],
  ['undoOf', 'Undo of change'],
  ['comment', 'Comment'],
  ['detail', 'Details the sender sent'],
];

/** Evidence as label/value lines, in a fixed order; values are plain text (rendered escaped). */
export function evidenceLines(data: EvidenceData | null | undefined): [string, string][] {
  if (!data) return [];
  const lines: [string, string][] = [];
  for (const [key, label] of EVIDENCE_LABELS) {
    const value = data[key];
    if (value === undefined || value === null || value === '') continue;
    lines.push([label, typeof value === 'object' ? JSON.stringify(value) : String(value)]);
  }
  return lines;
}

export type TimelineEvent = EventWords & {
  seq: number;
  changeId: string;
  occurredAt: Date;
  source: string;
  sourceWords: string;
  category: string | null;
  channel: Channel | null;
  evidenceId: string | null;
  /** Null when the event had evidence and it is gone (erasure deletes it). */
  evidence: [string, string][] | null;
  consentText: { key: string; locale: string; version: number; body: string } | null;
  feedback: { reason: string | null; reasonWords: string | null; comment: string | null } | null;
  hash: string;
  prevHash: string;
};

/** One annotated event of the ledger as the timeline and the receipt show it. */
export function timelineEvent(
  e: AnnotatedEvent,
  names: Map<string, string>,
  showFeedback = true,
): TimelineEvent {
  const words = describeEvent({
    ...e,
    categoryName: e.category ? (names.get(e.category) ?? e.category) : null,
  });
  const hasFeedback = showFeedback && (e.feedbackReason !== null || e.feedbackComment !== null);
  return {
    ...words,
    seq: e.seq,
    changeId: e.changeId,
    occurredAt: e.occurredAt,
    source: e.source,
    sourceWords: SOURCE_WORDS[e.source] ?? e.source,
    category: e.category,
    channel: e.channel,
    evidenceId: e.evidenceId,
    evidence: e.evidenceId && !e.evidence ? null : evidenceLines(e.evidence),
    consentText:
      e.consentTextKey && e.consentTextLocale && e.consentTextVersion !== null && e.consentTextBody
        ? {
            key: e.consentTextKey,
            locale: e.consentTextLocale,
            version: e.consentTextVersion,
            body: e.consentTextBody,
          }
        : null,
    feedback: hasFeedback
      ? {
          reason: e.feedbackReason,
          reasonWords: e.feedbackReason
            ? (FEEDBACK_REASON_WORDS[e.feedbackReason] ?? e.feedbackReason)
            : null,
          comment: e.feedbackComment,
        }
      : null,
    hash: e.hash,
    prevHash: e.prevHash,
  };
}

export type TimelinePage = { events: TimelineEvent[]; olderBefore: number | null };

/**
 * A page of the ledger, newest first; `beforeSeq` is the previous page's `olderBefore`. Feedback
 * belongs to a whole change (an "unsubscribe from everything" writes several events): it is shown
 * once, with the change's newest event.
 */
export async function subscriberTimeline(
  input: { workspaceId: string; subscriberId: string; beforeSeq?: number; limit?: number },
  database?: Db,
): Promise<TimelinePage> {
  if (!UUID.test(input.subscriberId)) return { events: [], olderBefore: null };
  const dbh = database ?? (await getDb());
  const limit = Math.min(Math.max(input.limit ?? TIMELINE_PAGE, 1), 200);
  const [rows, cats] = await Promise.all([
    ledgerPageNewestFirst(dbh, {
      workspaceId: input.workspaceId,
      subscriberId: input.subscriberId,
      beforeSeq: input.beforeSeq,
      limit: limit + 1,
    }),
    categoriesForLedger(dbh, input.workspaceId),
  ]);
  const names = new Map(cats.map((c) => [c.slug, categoryName(c.texts, c.slug)]));
  const page = rows.slice(0, limit);
  const seenChange = new Set<string>();
  const events = page.map((e) => {
    const first = !seenChange.has(e.changeId);
    seenChange.add(e.changeId);
    return timelineEvent(e, names, first);
  });
  const last = page.at(-1);
  return { events, olderBefore: rows.length > limit && last ? last.seq : null };
}

/** The timeline's `before` parameter: a sequence number, or the head. */
export function parseBefore(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) return undefined;
  return Number(value);
}

// --- the chain ---------------------------------------------------------------------------------

export type ChainCheck = {
  ok: boolean;
  events: number;
  head: { seq: number; hash: string };
  problems: string[];
  checkedAt: Date;
};

/**
 * Verifies this subscriber's hash chain (domain/chain.ts: every event's hash over its content and
 * the previous hash, the evidence against its digest, the head the subscriber row records).
 * Undefined for a subscriber of another workspace.
 */
export async function verifySubscriberForAdmin(
  workspaceId: string,
  subscriberId: string,
  database?: Db,
): Promise<ChainCheck | undefined> {
  if (!UUID.test(subscriberId)) return undefined;
  const dbh = database ?? (await getDb());
  const row = await subscriberForConsole(dbh, { workspaceId, subscriberId });
  if (!row) return undefined;
  const head = { seq: row.lastSeq, hash: row.headHash };
  // The same check as verifySubscriberChain, without listing every subscriber of the workspace
  // to find this one's head: the row just read is that head.
  const result = await verifySubscribers(
    workspaceId,
    [subscriberId],
    new Map([[subscriberId, head]]),
    dbh,
  );
  return {
    ok: result.problems.length === 0,
    events: result.events,
    head,
    problems: result.problems.map((p) => p.replace(`subscriber ${subscriberId} `, '')),
    checkedAt: new Date(),
  };
}
