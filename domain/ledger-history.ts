import { type Db, db as getDb } from '@/db/client';
import { listCategories } from '@/db/queries/workspaces';
import type { Channel, EvidenceData, Frequency, Source } from '@/db/schema';
import { applyConsent } from './consent';
import { DomainError } from './errors';
import { recordFeedback } from './feedback';
import { recordLinkVisits, type VisitInput } from './link-visits';
import { upsertSubscriber } from './subscribers';
import type { ConsentChange } from './transitions';

/**
 * `dial demo history`: months of realistic past consent for a demo or a test of the analytics.
 * Everything goes through the same doors as live traffic: subscribers through `upsertSubscriber`,
 * every consent change through the one door (`applyConsent`, with `now` set in the past, one call
 * per day and source for all the subscribers acting then), feedback through `recordFeedback`.
 * Only link visits, which are not consent, are written as they are. The ledger's chains verify
 * afterwards like any others.
 */

export type HistoryInput = {
  workspaceId: string;
  months: number;
  subscribers: number;
  now?: Date;
  /** Seeds the pseudo-random choices: the same seed and inputs give the same history. */
  seed?: number;
};

export type HistorySummary = {
  subscribers: number;
  changes: number;
  events: number;
  refused: number;
  visits: number;
  feedback: number;
  from: Date;
  to: Date;
};

const DAY = 86_400_000;
const MINUTE = 60_000;

/** Mulberry32: small, fast, good enough for demo data, and reproducible from a seed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const COMMENTS = [
  'Three emails a week is too many for me.',
  'I only wanted the order receipts.',
  'The offers are never for things I buy.',
  'I would rather get these by SMS.',
  'Moving abroad, nothing here ships to me.',
  'I did not sign up for this.',
  'Please send less during the holidays.',
  'Great shop, just too much mail.',
];
const REASONS = [
  'too_frequent',
  'too_frequent',
  'too_frequent',
  'not_relevant',
  'not_relevant',
  'never_signed_up',
  'prefer_other_channel',
  'privacy',
  'other',
] as const;
const BROWSER =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const SCANNER = 'Mozilla/5.0 (compatible; Barracuda Sentinel link scanner)';

/** The hour (UTC) each kind of change happens on its day, so a day's calls run in a set order. */
const HOUR: Partial<Record<Source, number>> = {
  api: 9,
  preference_center: 11,
  unsubscribe_page: 14,
  one_click: 16,
};

type Action = {
  day: number;
  source: Source;
  reduceOnly: boolean;
  subscriberId: string;
  changes: ConsentChange[];
  evidence: EvidenceData;
  /** A link visit this many minutes before the change. */
  visit?: Omit<VisitInput, 'at' | 'claims'> & {
    minutesBefore: number;
    link: { categoryId: string; channel: Channel };
  };
  feedback?: { reason?: string; comment?: string };
};

const RANK: Record<Frequency, number> = { monthly: 1, weekly: 2, daily: 3, instant: 4 };

export async function seedLedgerHistory(
  input: HistoryInput,
  database?: Db,
): Promise<HistorySummary> {
  const dbh = database ?? (await getDb());
  const now = input.now ?? new Date();
  const rand = random(input.seed ?? now.getTime());
  const pickOne = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const marketing = (await listCategories(dbh, input.workspaceId)).filter(
    (c) => c.kind === 'marketing' && c.archivedAt === null && c.channels.length > 0,
  );
  if (marketing.length === 0)
    throw new DomainError(
      'conflict',
      'This workspace has no marketing category yet: create one first, then seed its history.',
    );

  const start = new Date(now);
  start.setUTCMonth(start.getUTCMonth() - input.months);
  const firstDay = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  // Whole days before today, so that every change lies in the past.
  const days = Math.max(2, Math.round((today - firstDay) / DAY));
  const dayAt = (day: number, hour: number) => new Date(firstDay + day * DAY + hour * 3_600_000);

  const tag = Math.floor(rand() * 36 ** 6).toString(36);
  const actions: Action[] = [];
  const lateVisits: VisitInput[] = [];
  let subscriberCount = 0;
  for (let i = 0; i < input.subscribers; i++) {
    const { subscriber } = await upsertSubscriber(
      input.workspaceId,
      { email: `history-${tag}-${i + 1}@example.com`, locale: 'en' },
      dbh,
    );
    subscriberCount += 1;
    const category = pickOne(marketing);
    const channel: Channel = category.channels.includes('email')
      ? rand() < 0.8
        ? 'email'
        : pickOne(category.channels)
      : pickOne(category.channels);
    const joinDay = Math.floor(rand() * (days - 1));
    const joinSource: Source = rand() < 0.7 ? 'api' : 'preference_center';
    actions.push({
      day: joinDay,
      source: joinSource,
      reduceOnly: false,
      subscriberId: subscriber.id,
      changes: [{ type: 'subscription', category: category.id, channel, status: 'subscribed' }],
      evidence: joinSource === 'api' ? { detail: { demo: 'history' } } : { userAgent: BROWSER },
    });

    const laterDay = joinDay + 1 + Math.floor(rand() * (days - 1 - joinDay));
    if (laterDay >= days) continue;
    const link = { categoryId: category.id, channel };
    const leaveVisit = (page: 'unsubscribe' | 'less', minutesBefore: number) => ({
      page,
      userAgent: BROWSER,
      minutesBefore,
      link,
    });
    const roll = rand();
    const base = { day: laterDay, subscriberId: subscriber.id, evidence: { userAgent: BROWSER } };
    if (roll < 0.24) {
      // Came to leave, and left: this category, or everything.
      const everything = rand() < 0.4;
      actions.push({
        ...base,
        source: 'unsubscribe_page',
        reduceOnly: true,
        changes: everything
          ? [{ type: 'global_opt_out', channel: 'all' }]
          : [{ type: 'subscription', category: category.id, channel, status: 'unsubscribed' }],
        visit: leaveVisit('unsubscribe', 2 + Math.floor(rand() * 20)),
        feedback:
          rand() < 0.7
            ? {
                reason: pickOne(REASONS),
                comment: rand() < 0.6 ? pickOne(COMMENTS) : undefined,
              }
            : undefined,
      });
    } else if (roll < 0.44) {
      // Came to leave, and was saved: fewer messages, or a pause.
      const current = category.defaultFrequency;
      const lower = category.frequencies
        .filter((f) => RANK[f] < RANK[current])
        .sort((a, b) => RANK[a] - RANK[b])[0];
      const pause = !lower || rand() < 0.4;
      actions.push({
        ...base,
        source: 'unsubscribe_page',
        reduceOnly: true,
        changes: pause
          ? [{ type: 'pause', until: new Date(dayAt(laterDay, 14).getTime() + 30 * DAY) }]
          : [{ type: 'frequency', category: category.id, channel, frequency: lower }],
        visit: leaveVisit(rand() < 0.5 ? 'unsubscribe' : 'less', 3 + Math.floor(rand() * 25)),
      });
    } else if (roll < 0.54) {
      // The one-click button in the mail program: an opt-out with no page in front of it.
      actions.push({
        ...base,
        source: 'one_click',
        reduceOnly: true,
        evidence: {},
        changes: [{ type: 'subscription', category: category.id, channel, status: 'unsubscribed' }],
      });
    } else if (roll < 0.64) {
      // Opened the preferences and added another category.
      const other = marketing.find((c) => c.id !== category.id) ?? category;
      const otherChannel = other.channels.includes(channel)
        ? channel
        : (other.channels[0] as Channel);
      if (other.id !== category.id || otherChannel !== channel) {
        actions.push({
          ...base,
          source: 'preference_center',
          reduceOnly: false,
          changes: [
            {
              type: 'subscription',
              category: other.id,
              channel: otherChannel,
              status: 'subscribed',
            },
          ],
          visit: { page: 'preferences', userAgent: BROWSER, minutesBefore: 4, link },
        });
      }
    } else if (roll < 0.72) {
      // Opened the unsubscribe page and did nothing (a person who changed their mind, or a
      // scanner that passes for a browser).
      lateVisits.push({
        page: 'unsubscribe',
        userAgent: BROWSER,
        claims: visitClaims(input.workspaceId, subscriber.id, link, dayAt(laterDay, 8)),
        at: dayAt(laterDay, 10),
      });
    }
    // Link scanners: some mail goes through a security gateway that opens every link within
    // seconds of delivery, or announces itself in its user agent.
    if (rand() < 0.3) {
      const day = joinDay + 1 + Math.floor(rand() * (days - 1 - joinDay));
      if (day < days) {
        const sent = dayAt(day, 7);
        const known = rand() < 0.5;
        lateVisits.push({
          page: 'unsubscribe',
          userAgent: known ? SCANNER : BROWSER,
          claims: visitClaims(input.workspaceId, subscriber.id, link, sent),
          at: new Date(sent.getTime() + (known ? 30 * MINUTE : 4_000)),
        });
      }
    }
  }

  // One call of the one door per day and source, oldest first, so each chain is in time order.
  const groups = new Map<string, Action[]>();
  for (const action of actions) {
    const key = `${String(action.day).padStart(5, '0')}|${String(HOUR[action.source] ?? 12).padStart(2, '0')}|${action.source}`;
    groups.set(key, [...(groups.get(key) ?? []), action]);
  }
  let changes = 0;
  let events = 0;
  let refused = 0;
  let feedback = 0;
  const visits: VisitInput[] = [...lateVisits];
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key) as Action[];
    const first = group[0] as Action;
    const at = dayAt(first.day, HOUR[first.source] ?? 12);
    const results = await applyConsent(
      {
        workspaceId: input.workspaceId,
        source: first.source,
        reduceOnly: first.reduceOnly,
        now: at,
        items: group.map((a) => ({
          subscriberId: a.subscriberId,
          changes: a.changes,
          evidence: a.evidence,
        })),
      },
      dbh,
    );
    for (const [index, result] of results.entries()) {
      const action = group[index] as Action;
      if (!result.ok) {
        refused += 1;
        continue;
      }
      if (!result.changeId) continue;
      changes += 1;
      events += result.events.length;
      if (action.visit) {
        const visitAt = new Date(at.getTime() - action.visit.minutesBefore * MINUTE);
        visits.push({
          page: action.visit.page,
          userAgent: action.visit.userAgent,
          claims: visitClaims(
            input.workspaceId,
            action.subscriberId,
            action.visit.link,
            new Date(visitAt.getTime() - (2 + (index % 40)) * 3_600_000),
          ),
          at: visitAt,
        });
      }
      if (action.feedback) {
        const outcome = await recordFeedback(
          {
            workspaceId: input.workspaceId,
            subscriberId: action.subscriberId,
            changeId: result.changeId,
            reason: action.feedback.reason,
            comment: action.feedback.comment,
          },
          dbh,
        );
        if (outcome === 'recorded') feedback += 1;
      }
    }
  }
  for (let i = 0; i < visits.length; i += 500)
    await recordLinkVisits(visits.slice(i, i + 500), dbh);

  return {
    subscribers: subscriberCount,
    changes,
    events,
    refused,
    visits: visits.length,
    feedback,
    from: new Date(firstDay),
    to: new Date(today),
  };
}

function visitClaims(
  workspaceId: string,
  subscriberId: string,
  link: { categoryId: string; channel: Channel | null },
  issuedAt: Date,
): VisitInput['claims'] {
  return {
    workspaceId,
    subscriberId,
    categoryId: link.categoryId,
    channel: link.channel,
    issuedAt,
  };
}
