import { and, asc, eq, gt, inArray, isNotNull, isNull, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { categories, consentEvents, subscribers, subscriptions } from '../schema';

export type SubscriberKeys = { externalId?: string; email?: string; phone?: string };

const subscriberColumns = {
  id: subscribers.id,
  externalId: subscribers.externalId,
  email: subscribers.email,
  phone: subscribers.phone,
  locale: subscribers.locale,
  createdAt: subscribers.createdAt,
  erasedAt: subscribers.erasedAt,
  pausedUntil: subscribers.pausedUntil,
  globalOptOuts: subscribers.globalOptOuts,
  keywordBlocks: subscribers.keywordBlocks,
  doNotSell: subscribers.doNotSell,
};
export type SubscriberRow = {
  [K in keyof typeof subscriberColumns]: (typeof subscribers.$inferSelect)[K];
};

export function findSubscriberById(database: DbOrTx, workspaceId: string, id: string) {
  return database
    .select(subscriberColumns)
    .from(subscribers)
    .where(and(eq(subscribers.workspaceId, workspaceId), eq(subscribers.id, id)))
    .limit(1)
    .then((rows) => rows[0]);
}

/** Every subscriber matching any of the keys: more than one distinct row is a conflict. */
export function findSubscribersByKeys(database: DbOrTx, workspaceId: string, keys: SubscriberKeys) {
  const matches: SQL[] = [];
  if (keys.externalId) matches.push(eq(subscribers.externalId, keys.externalId));
  if (keys.email) matches.push(eq(subscribers.email, keys.email));
  if (keys.phone) matches.push(eq(subscribers.phone, keys.phone));
  if (matches.length === 0) return Promise.resolve([] as SubscriberRow[]);
  return database
    .select(subscriberColumns)
    .from(subscribers)
    .where(and(eq(subscribers.workspaceId, workspaceId), or(...matches)));
}

/** Inserts, or returns nothing when a concurrent request inserted the same keys first. */
export function insertSubscriber(
  database: DbOrTx,
  values: {
    workspaceId: string;
    externalId?: string;
    email?: string;
    phone?: string;
    locale?: string;
  },
) {
  return database
    .insert(subscribers)
    .values(values)
    .onConflictDoNothing()
    .returning(subscriberColumns)
    .then((rows) => rows[0]);
}

export function updateSubscriberKeys(
  database: DbOrTx,
  workspaceId: string,
  id: string,
  values: { externalId?: string; email?: string; phone?: string; locale?: string },
) {
  return database
    .update(subscribers)
    .set(values)
    .where(and(eq(subscribers.workspaceId, workspaceId), eq(subscribers.id, id)))
    .returning(subscriberColumns)
    .then((rows) => rows[0]);
}

export function listSubscriptions(database: DbOrTx, workspaceId: string, subscriberId: string) {
  return database
    .select({
      category: categories.slug,
      categoryKind: categories.kind,
      channel: subscriptions.channel,
      status: subscriptions.status,
      frequency: subscriptions.frequency,
      updatedAt: subscriptions.updatedAt,
    })
    .from(subscriptions)
    .innerJoin(categories, eq(categories.id, subscriptions.categoryId))
    .where(
      and(eq(subscriptions.workspaceId, workspaceId), eq(subscriptions.subscriberId, subscriberId)),
    )
    .orderBy(asc(categories.position), asc(categories.slug), asc(subscriptions.channel));
}

/** A page of a subscriber's ledger, oldest first, after sequence number `afterSeq`. */
export function listEvents(
  database: DbOrTx,
  input: { workspaceId: string; subscriberId: string; afterSeq: number; limit: number },
) {
  return database
    .select({
      id: consentEvents.id,
      seq: consentEvents.seq,
      changeId: consentEvents.changeId,
      type: consentEvents.type,
      category: categories.slug,
      channel: consentEvents.channel,
      before: consentEvents.before,
      after: consentEvents.after,
      source: consentEvents.source,
      occurredAt: consentEvents.occurredAt,
      hash: consentEvents.hash,
    })
    .from(consentEvents)
    .leftJoin(categories, eq(categories.id, consentEvents.categoryId))
    .where(
      and(
        eq(consentEvents.workspaceId, input.workspaceId),
        eq(consentEvents.subscriberId, input.subscriberId),
        gt(consentEvents.seq, input.afterSeq),
      ),
    )
    .orderBy(asc(consentEvents.seq))
    .limit(input.limit);
}

/** Of these subscribers, the ones Dial can still write to by email (an address, not erased). */
export function mailableSubscriberIds(
  database: DbOrTx,
  workspaceId: string,
  ids: string[],
): Promise<string[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return database
    .select({ id: subscribers.id })
    .from(subscribers)
    .where(
      and(
        eq(subscribers.workspaceId, workspaceId),
        inArray(subscribers.id, ids),
        isNotNull(subscribers.email),
        isNull(subscribers.erasedAt),
      ),
    )
    .then((rows) => rows.map((r) => r.id));
}
