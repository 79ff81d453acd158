import { type Db, db as getDb } from '@/db/client';
import { type CheckRow, checkRows } from '@/db/queries/check';
import { loadCategories } from '@/db/queries/consent';
import type { Channel, Frequency, SubscriptionStatus } from '@/db/schema';
import type { SubscriberRef } from './subscribers';

/**
 * "May I send?" Answers from the projection alone, in one query, and writes nothing.
 */

export type CheckReason =
  | 'subscribed'
  | 'unsubscribed'
  | 'not_subscribed'
  | 'pending'
  | 'paused'
  | 'global_opt_out'
  | 'sms_blocked'
  | 'transactional'
  | 'unknown_subscriber'
  | 'unknown_category'
  | 'unsupported_channel';

export type CheckAnswer = {
  allowed: boolean;
  reason: CheckReason;
  status: SubscriptionStatus;
  frequency: Frequency | null;
  /** When a pause ends. */
  resumesAt?: string;
};

type CategoryForCheck =
  | { id: string; kind: 'marketing' | 'transactional'; channels: Channel[] }
  | undefined;

export function decide(
  category: CategoryForCheck,
  channel: Channel,
  row:
    | Pick<CheckRow, 'pausedUntil' | 'globalOptOuts' | 'keywordBlocks' | 'status' | 'frequency'>
    | undefined,
  now: Date,
): CheckAnswer {
  const status = row?.status ?? 'none';
  const frequency = row?.frequency ?? null;
  const answer = (allowed: boolean, reason: CheckReason): CheckAnswer => ({
    allowed,
    reason,
    status,
    frequency,
  });
  if (!category) return answer(false, 'unknown_category');
  if (!category.channels.includes(channel)) return answer(false, 'unsupported_channel');
  // The carrier blocks every message after STOP, receipts too (rule 6's one exception).
  if (row?.keywordBlocks.includes(channel)) return answer(false, 'sms_blocked');
  if (category.kind === 'transactional') return answer(true, 'transactional');
  if (!row) return answer(false, 'unknown_subscriber');
  if (row.globalOptOuts.all || row.globalOptOuts[channel]) return answer(false, 'global_opt_out');
  switch (status) {
    case 'none':
      return answer(false, 'not_subscribed');
    case 'unsubscribed':
      return answer(false, 'unsubscribed');
    case 'pending':
      return answer(false, 'pending');
    case 'subscribed':
      if (row.pausedUntil && row.pausedUntil.getTime() > now.getTime()) {
        return { ...answer(false, 'paused'), resumesAt: row.pausedUntil.toISOString() };
      }
      return answer(true, 'subscribed');
  }
}

export type CheckCategory = {
  id: string;
  slug: string;
  kind: 'marketing' | 'transactional';
  channels: Channel[];
};

export async function findCheckCategory(workspaceId: string, slug: string, database?: Db) {
  const dbh = database ?? (await getDb());
  const rows = await loadCategories(dbh, workspaceId);
  const row = rows.find((c) => c.slug === slug && c.archivedAt === null);
  return row ? { id: row.id, slug: row.slug, kind: row.kind, channels: row.channels } : undefined;
}

export async function check(
  input: {
    workspaceId: string;
    subscriber: SubscriberRef;
    category: string;
    channel: Channel;
    now?: Date;
  },
  database?: Db,
): Promise<CheckAnswer> {
  const [answer] = await checkMany({ ...input, subscribers: [input.subscriber] }, database);
  return answer as CheckAnswer;
}

/** The set-based form: one query for every reference, answers in input order. */
export async function checkMany(
  input: {
    workspaceId: string;
    subscribers: SubscriberRef[];
    category: string;
    channel: Channel;
    now?: Date;
  },
  database?: Db,
): Promise<CheckAnswer[]> {
  const dbh = database ?? (await getDb());
  const now = input.now ?? new Date();
  const category = await findCheckCategory(input.workspaceId, input.category, dbh);
  if (!category)
    return input.subscribers.map(() => decide(undefined, input.channel, undefined, now));
  const keys = {
    ids: [] as string[],
    externalIds: [] as string[],
    emails: [] as string[],
    phones: [] as string[],
  };
  for (const ref of input.subscribers) {
    if ('id' in ref) keys.ids.push(ref.id);
    else if ('externalId' in ref) keys.externalIds.push(ref.externalId);
    else if ('email' in ref) keys.emails.push(ref.email);
    else keys.phones.push(ref.phone);
  }
  const rows = await checkRows(dbh, {
    workspaceId: input.workspaceId,
    categoryId: category.id,
    channel: input.channel,
    ...keys,
  });
  const index = {
    id: new Map(rows.map((r) => [r.id, r])),
    externalId: new Map(rows.filter((r) => r.externalId).map((r) => [r.externalId, r])),
    email: new Map(rows.filter((r) => r.email).map((r) => [r.email, r])),
    phone: new Map(rows.filter((r) => r.phone).map((r) => [r.phone, r])),
  };
  return input.subscribers.map((ref) => {
    const row =
      'id' in ref
        ? index.id.get(ref.id)
        : 'externalId' in ref
          ? index.externalId.get(ref.externalId)
          : 'email' in ref
            ? index.email.get(ref.email)
            : index.phone.get(ref.phone);
    return decide(category, input.channel, row, now);
  });
}
