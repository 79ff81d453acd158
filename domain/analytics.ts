import { z } from 'zod';
import { type Db, db as getDb } from '@/db/client';
import {
  feedbackReasonCounts,
  type MovementKind,
  movementsByCategoryAndChannel,
  movementsOverTime,
  recentFeedbackComments,
  type Scope,
  type Unit,
  type VisitSummary,
  visitSummary,
} from '@/db/queries/analytics';
import { listCategories } from '@/db/queries/workspaces';
import { CHANNELS, type Channel, type FEEDBACK_REASONS } from '@/db/schema';
import { type AdminSession, requireAdmin } from './admin-guard';
import { type Locale, pick } from './i18n';

/**
 * What the analytics page shows (issue 7, item 7): opt-ins, opt-outs and opt-downs over time and
 * by category and channel, the save rate, feedback reasons with recent comments, and link opens
 * told apart into people and suspected scanners. Every number comes from a grouping statement in
 * db/queries/analytics.ts; this module picks the period, fills the buckets with no movement with
 * zeros and names things.
 */

export const RANGES = ['30', '90', '365'] as const;
export type Range = (typeof RANGES)[number];
export const UNITS = ['day', 'week', 'month'] as const satisfies readonly Unit[];

/** The grouping that gives a readable number of bars for each period. */
export const DEFAULT_UNIT: Record<Range, Unit> = { '30': 'day', '90': 'week', '365': 'month' };

/** A visit followed by the subscriber's own change within this window was a person's. */
export const ACTION_WINDOW_HOURS = 24;
/** A visit this soon after its link was made is a scanner's: people do not read that fast. */
export const FAST_SECONDS = 60;
export const RECENT_COMMENTS = 20;

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .optional()
    .transform((v) =>
      v && (values as readonly string[]).includes(v) ? (v as T[number]) : undefined,
    );

/** The page's query string; anything unknown falls back to the default rather than failing. */
export const analyticsQuerySchema = z.object({
  range: oneOf(RANGES).transform((v) => v ?? '90'),
  group: oneOf(UNITS),
  category: z
    .string()
    .optional()
    .transform((v) => (v && /^[0-9a-f-]{36}$/i.test(v) ? v.toLowerCase() : undefined)),
  channel: oneOf(CHANNELS),
});
export type AnalyticsQuery = {
  range: Range;
  group?: Unit;
  category?: string;
  channel?: Channel;
};

export function parseAnalyticsQuery(
  search: Record<string, string | string[] | undefined>,
): AnalyticsQuery {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return analyticsQuerySchema.parse({
    range: first(search.range),
    group: first(search.group),
    category: first(search.category),
    channel: first(search.channel),
  });
}

export type Period = { from: Date; to: Date; unit: Unit; range: Range };

/** The last `range` days up to now, today included: from midnight UTC `range - 1` days ago. */
export function periodOf(query: Pick<AnalyticsQuery, 'range' | 'group'>, now: Date): Period {
  const days = Number(query.range);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return {
    from: new Date(today - (days - 1) * 86_400_000),
    to: now,
    unit: query.group ?? DEFAULT_UNIT[query.range],
    range: query.range,
  };
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The first day (UTC, `YYYY-MM-DD`) of the bucket holding `date`, as PostgreSQL's date_trunc cuts it. */
export function bucketStart(date: Date, unit: Unit): string {
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  if (unit === 'day') return iso(day);
  if (unit === 'month') return iso(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
  // ISO weeks start on Monday.
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  return iso(day - weekday * 86_400_000);
}

/** Every bucket of the period, oldest first, so that a bucket without movements shows a zero. */
export function bucketsOf(period: Pick<Period, 'from' | 'to' | 'unit'>): string[] {
  const keys: string[] = [];
  let cursor = new Date(`${bucketStart(period.from, period.unit)}T00:00:00Z`);
  while (cursor < period.to) {
    keys.push(iso(cursor.getTime()));
    const next = new Date(cursor);
    if (period.unit === 'day') next.setUTCDate(next.getUTCDate() + 1);
    else if (period.unit === 'week') next.setUTCDate(next.getUTCDate() + 7);
    else next.setUTCMonth(next.getUTCMonth() + 1);
    cursor = next;
  }
  return keys;
}

const MONTH = new Intl.DateTimeFormat('en-GB', {
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/**
 * "Sep 2026" for a month; "7 Sep" for a day; "week of 7 Sep" for a week, or "7 Sep" where space
 * is short (under a chart's axis).
 */
export function bucketLabel(key: string, unit: Unit, short = false): string {
  const date = new Date(`${key}T00:00:00Z`);
  if (unit === 'month') return MONTH.format(date);
  return unit === 'week' && !short ? `week of ${DAY.format(date)}` : DAY.format(date);
}

export type Movements = Record<MovementKind, number>;
export type SeriesPoint = Movements & { bucket: string; label: string; axisLabel: string };
export type BreakdownRow = Movements & { key: string; label: string };

export const CHANNEL_NAMES: Record<Channel, string> = {
  email: 'Email',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  push: 'Push',
};

export const REASON_NAMES: Record<(typeof FEEDBACK_REASONS)[number] | 'none', string> = {
  too_frequent: 'Too many messages',
  not_relevant: 'Not relevant to me',
  never_signed_up: 'Never signed up',
  prefer_other_channel: 'Prefers another channel',
  privacy: 'Privacy concerns',
  other: 'Other',
  none: 'No reason given',
};

export type Analytics = {
  period: Period;
  filters: { categoryId: string | null; channel: Channel | null };
  categories: { id: string; label: string; archived: boolean }[];
  series: SeriesPoint[];
  totals: Movements;
  byCategory: BreakdownRow[];
  byChannel: BreakdownRow[];
  visits: VisitSummary;
  /** Saved ÷ people who came to leave; null when nobody came. */
  saveRate: number | null;
  reasons: { reason: string; label: string; count: number }[];
  comments: {
    id: string;
    reason: string | null;
    reasonLabel: string;
    comment: string;
    optedOutAt: string;
  }[];
};

const zero = (): Movements => ({ in: 0, out: 0, down: 0 });

/** Everything the page shows for one workspace. The caller has checked the admin's access. */
export async function workspaceAnalytics(
  workspaceId: string,
  query: AnalyticsQuery,
  options: { now?: Date; locale?: Locale; database?: Db } = {},
): Promise<Analytics> {
  const dbh = options.database ?? (await getDb());
  const now = options.now ?? new Date();
  const period = periodOf(query, now);
  const categoryRows = await listCategories(dbh, workspaceId);
  const categories = categoryRows.map((c) => ({
    id: c.id,
    label: pick(c.texts, options.locale ?? 'en')?.name ?? c.slug,
    archived: c.archivedAt !== null,
  }));
  // A category of another workspace in the query string is no filter at all, never a leak.
  const categoryId = categories.some((c) => c.id === query.category)
    ? (query.category ?? null)
    : null;
  const scope: Scope = {
    workspaceId,
    from: period.from,
    to: period.to,
    categoryId,
    channel: query.channel ?? null,
  };
  const [overTime, breakdown, visits, reasonRows, commentRows] = await Promise.all([
    movementsOverTime(dbh, { ...scope, unit: period.unit }),
    movementsByCategoryAndChannel(dbh, scope),
    visitSummary(dbh, {
      ...scope,
      windowHours: ACTION_WINDOW_HOURS,
      fastSeconds: FAST_SECONDS,
      now,
    }),
    feedbackReasonCounts(dbh, scope),
    recentFeedbackComments(dbh, { ...scope, limit: RECENT_COMMENTS }),
  ]);

  const byBucket = new Map<string, Movements>();
  for (const row of overTime) {
    const m = byBucket.get(row.bucket) ?? zero();
    m[row.kind] = Number(row.count);
    byBucket.set(row.bucket, m);
  }
  const series = bucketsOf(period).map((bucket) => ({
    bucket,
    label: bucketLabel(bucket, period.unit),
    axisLabel: bucketLabel(bucket, period.unit, true),
    ...(byBucket.get(bucket) ?? zero()),
  }));
  const totals = zero();
  for (const row of overTime) totals[row.kind] += Number(row.count);

  const labelOfCategory = new Map(categories.map((c) => [c.id, c.label]));
  const rows = (group: 'category' | 'channel') => {
    const map = new Map<string, BreakdownRow>();
    for (const r of breakdown.filter((b) => b.group === group)) {
      const key = (group === 'category' ? r.categoryId : r.channel) ?? 'all';
      const label =
        key === 'all'
          ? group === 'category'
            ? 'Every category (global opt-outs, pauses)'
            : 'Every channel'
          : group === 'category'
            ? (labelOfCategory.get(key) ?? 'Unknown category')
            : (CHANNEL_NAMES[key as Channel] ?? key);
      const row = map.get(key) ?? { key, label, ...zero() };
      row[r.kind] = r.count;
      map.set(key, row);
    }
    return [...map.values()].sort(
      (a, b) => b.in + b.out + b.down - (a.in + a.out + a.down) || a.label.localeCompare(b.label),
    );
  };

  return {
    period,
    filters: { categoryId, channel: query.channel ?? null },
    categories,
    series,
    totals,
    byCategory: rows('category'),
    byChannel: rows('channel'),
    visits,
    saveRate: visits.cameToLeave > 0 ? visits.saved / visits.cameToLeave : null,
    reasons: reasonRows.map((r) => ({
      reason: r.reason ?? 'none',
      label: REASON_NAMES[(r.reason ?? 'none') as keyof typeof REASON_NAMES] ?? r.reason ?? '',
      count: r.count,
    })),
    comments: commentRows.map((c) => ({
      ...c,
      reasonLabel: REASON_NAMES[(c.reason ?? 'none') as keyof typeof REASON_NAMES] ?? '',
    })),
  };
}

/**
 * The analytics as an admin may read them: any member (viewer and up) of the workspace; anyone
 * else gets the guard's answer (401 without a session, 404 for a workspace that is not theirs).
 */
export async function analyticsForAdmin(
  input: { session: AdminSession; workspaceSlug: string; query: AnalyticsQuery; now?: Date },
  database?: Db,
): Promise<Analytics> {
  const access = await requireAdmin(input.session, input.workspaceSlug, 'viewer', database);
  return workspaceAnalytics(access.workspace.id, input.query, { now: input.now, database });
}
