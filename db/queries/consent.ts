import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../client';
import {
  type Channel,
  type ConsentEvent,
  categories,
  consentEvents,
  type EvidenceData,
  evidence,
  type GlobalOptOuts,
  outbox,
  subscribers,
  subscriptions,
} from '../schema';

/**
 * Reads and writes of the one door (domain/consent.ts). Nothing else writes the ledger, the
 * projection or evidence: see DESIGN.md rule 1. Every function is set-based over subscribers.
 */

export type CategoryRow = {
  id: string;
  slug: string;
  kind: 'marketing' | 'transactional';
  channels: Channel[];
  frequencies: ('instant' | 'daily' | 'weekly' | 'monthly')[];
  defaultFrequency: 'instant' | 'daily' | 'weekly' | 'monthly';
  archivedAt: Date | null;
};

export function loadCategories(tx: DbOrTx, workspaceId: string): Promise<CategoryRow[]> {
  return tx
    .select({
      id: categories.id,
      slug: categories.slug,
      kind: categories.kind,
      channels: categories.channels,
      frequencies: categories.frequencies,
      defaultFrequency: categories.defaultFrequency,
      archivedAt: categories.archivedAt,
    })
    .from(categories)
    .where(eq(categories.workspaceId, workspaceId));
}

export type LockedSubscriber = {
  id: string;
  lastSeq: number;
  headHash: string;
  pausedUntil: Date | null;
  pauseOwn: boolean;
  globalOptOuts: GlobalOptOuts;
  keywordBlocks: Channel[];
  doNotSell: boolean;
  erasedAt: Date | null;
};

/** Locks the subscribers' rows in id order, so two batches never deadlock each other. */
export function lockSubscribers(
  tx: Tx,
  workspaceId: string,
  ids: string[],
): Promise<LockedSubscriber[]> {
  return tx
    .select({
      id: subscribers.id,
      lastSeq: subscribers.lastSeq,
      headHash: subscribers.headHash,
      pausedUntil: subscribers.pausedUntil,
      pauseOwn: subscribers.pauseOwn,
      globalOptOuts: subscribers.globalOptOuts,
      keywordBlocks: subscribers.keywordBlocks,
      doNotSell: subscribers.doNotSell,
      erasedAt: subscribers.erasedAt,
    })
    .from(subscribers)
    .where(and(eq(subscribers.workspaceId, workspaceId), inArray(subscribers.id, ids)))
    .orderBy(asc(subscribers.id))
    .for('update');
}

export function loadSubscriptions(tx: DbOrTx, workspaceId: string, subscriberIds: string[]) {
  return tx
    .select({
      subscriberId: subscriptions.subscriberId,
      categoryId: subscriptions.categoryId,
      channel: subscriptions.channel,
      status: subscriptions.status,
      frequency: subscriptions.frequency,
      ownOptOut: subscriptions.ownOptOut,
    })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.workspaceId, workspaceId),
        inArray(subscriptions.subscriberId, subscriberIds),
      ),
    );
}

export type NewEvidence = {
  id: string;
  workspaceId: string;
  subscriberId: string;
  salt: string;
  data: EvidenceData;
};
export type NewEvent = typeof consentEvents.$inferInsert;
export type SubscriptionWrite = typeof subscriptions.$inferInsert;
export type SubscriberWrite = {
  id: string;
  lastSeq: number;
  headHash: string;
  pausedUntil: string | null;
  pauseOwn: boolean;
  globalOptOuts: GlobalOptOuts;
  keywordBlocks: Channel[];
  doNotSell: boolean;
  erased: boolean;
};
export type OutboxWrite = typeof outbox.$inferInsert;

export async function writeConsent(
  tx: Tx,
  input: {
    evidence: NewEvidence[];
    events: NewEvent[];
    subscriptions: SubscriptionWrite[];
    subscribers: SubscriberWrite[];
    outbox: OutboxWrite[];
  },
): Promise<ConsentEvent[]> {
  if (input.evidence.length > 0) await tx.insert(evidence).values(input.evidence);
  const written =
    input.events.length > 0 ? await tx.insert(consentEvents).values(input.events).returning() : [];
  if (input.subscriptions.length > 0) {
    await tx
      .insert(subscriptions)
      .values(input.subscriptions)
      .onConflictDoUpdate({
        target: [subscriptions.subscriberId, subscriptions.categoryId, subscriptions.channel],
        set: {
          status: sql`excluded.status`,
          frequency: sql`excluded.frequency`,
          ownOptOut: sql`excluded.own_opt_out`,
          updatedAt: sql`excluded.updated_at`,
        },
      });
  }
  if (input.subscribers.length > 0) await updateSubscriberProjection(tx, input.subscribers);
  if (input.outbox.length > 0) await tx.insert(outbox).values(input.outbox);
  return written;
}

/** One statement for the whole batch: the rows arrive as one JSON document. */
async function updateSubscriberProjection(tx: Tx, rows: SubscriberWrite[]): Promise<void> {
  await tx.execute(sql`
    update subscribers s set
      last_seq = x.last_seq,
      head_hash = x.head_hash,
      paused_until = x.paused_until,
      pause_own = x.pause_own,
      global_opt_outs = x.global_opt_outs,
      keyword_blocks = x.keyword_blocks,
      do_not_sell = x.do_not_sell,
      erased_at = case when x.erased then coalesce(s.erased_at, now()) else null end
    from jsonb_to_recordset(${JSON.stringify(rows.map(toRecord))}::jsonb) as x(
      id uuid, last_seq integer, head_hash text, paused_until timestamptz, pause_own boolean,
      global_opt_outs jsonb, keyword_blocks text[], do_not_sell boolean, erased boolean)
    where s.id = x.id`);
}

function toRecord(row: SubscriberWrite) {
  return {
    id: row.id,
    last_seq: row.lastSeq,
    head_hash: row.headHash,
    paused_until: row.pausedUntil,
    pause_own: row.pauseOwn,
    global_opt_outs: row.globalOptOuts,
    keyword_blocks: row.keywordBlocks,
    do_not_sell: row.doNotSell,
    erased: row.erased,
  };
}

/** Events of one change (one call of the one door for one subscriber), in order. */
export function loadChange(tx: DbOrTx, workspaceId: string, changeId: string) {
  return tx
    .select()
    .from(consentEvents)
    .where(and(eq(consentEvents.workspaceId, workspaceId), eq(consentEvents.changeId, changeId)))
    .orderBy(asc(consentEvents.seq));
}

export function loadEvents(tx: DbOrTx, workspaceId: string, subscriberIds: string[]) {
  return tx
    .select()
    .from(consentEvents)
    .where(
      and(
        eq(consentEvents.workspaceId, workspaceId),
        inArray(consentEvents.subscriberId, subscriberIds),
      ),
    )
    .orderBy(asc(consentEvents.subscriberId), asc(consentEvents.seq));
}

export function loadEvidence(tx: DbOrTx, workspaceId: string, subscriberIds: string[]) {
  return tx
    .select({
      id: evidence.id,
      salt: evidence.salt,
      data: evidence.data,
      subscriberId: evidence.subscriberId,
    })
    .from(evidence)
    .where(
      and(eq(evidence.workspaceId, workspaceId), inArray(evidence.subscriberId, subscriberIds)),
    );
}

/** Replaces a subscriber's projection by a state computed from the ledger. */
export async function replaceSubscriptions(
  tx: Tx,
  workspaceId: string,
  subscriberIds: string[],
  rows: SubscriptionWrite[],
) {
  await tx
    .delete(subscriptions)
    .where(
      and(
        eq(subscriptions.workspaceId, workspaceId),
        inArray(subscriptions.subscriberId, subscriberIds),
      ),
    );
  if (rows.length > 0) await tx.insert(subscriptions).values(rows);
}

export function workspaceSubscriberIds(tx: DbOrTx, workspaceId: string) {
  return tx
    .select({ id: subscribers.id, lastSeq: subscribers.lastSeq, headHash: subscribers.headHash })
    .from(subscribers)
    .where(eq(subscribers.workspaceId, workspaceId))
    .orderBy(asc(subscribers.id));
}
