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
  type outbox,
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
  const { evidence, events, subscriptions, subscribers, outbox } = input;
  if (
    evidence.length + events.length + subscriptions.length + subscribers.length + outbox.length ===
    0
  ) {
    return [];
  }
  // One statement for the whole write, whatever the batch: each table's rows go in as one JSON
  // document (keys as in TypeScript), and each table is one data-modifying WITH of the
  // statement. Building multi-row inserts column by column costs more than PostgreSQL takes to
  // run them, and each statement is a round trip with the transaction's locks held. The parts
  // share one snapshot, which is safe because none reads a row another writes and no foreign
  // key runs between these tables (an event names its evidence by id only).
  const result = (await tx.execute(sql`
    with new_evidence as (
      insert into evidence (id, workspace_id, subscriber_id, salt, data)
      select x.id, x."workspaceId", x."subscriberId", x.salt, x.data
      from jsonb_to_recordset(${JSON.stringify(evidence)}::jsonb) as x(
        id uuid, "workspaceId" uuid, "subscriberId" uuid, salt text, data jsonb)
    ), new_subscriptions as (
      insert into subscriptions
        (workspace_id, subscriber_id, category_id, channel, status, frequency, own_opt_out, updated_at)
      select x."workspaceId", x."subscriberId", x."categoryId", x.channel, x.status, x.frequency,
             coalesce(x."ownOptOut", false), x."updatedAt"
      from jsonb_to_recordset(${JSON.stringify(subscriptions)}::jsonb) as x(
        "workspaceId" uuid, "subscriberId" uuid, "categoryId" uuid, channel text, status text,
        frequency text, "ownOptOut" boolean, "updatedAt" timestamptz)
      on conflict (subscriber_id, category_id, channel) do update set
        status = excluded.status, frequency = excluded.frequency,
        own_opt_out = excluded.own_opt_out, updated_at = excluded.updated_at
    ), projection as (
      update subscribers s set
        last_seq = x.last_seq,
        head_hash = x.head_hash,
        paused_until = x.paused_until,
        pause_own = x.pause_own,
        global_opt_outs = x.global_opt_outs,
        keyword_blocks = x.keyword_blocks,
        do_not_sell = x.do_not_sell,
        erased_at = case when x.erased then coalesce(s.erased_at, now()) else null end
      from jsonb_to_recordset(${JSON.stringify(subscribers.map(toRecord))}::jsonb) as x(
        id uuid, last_seq integer, head_hash text, paused_until timestamptz, pause_own boolean,
        global_opt_outs jsonb, keyword_blocks text[], do_not_sell boolean, erased boolean)
      where s.id = x.id
    ), jobs as (
      insert into outbox (workspace_id, kind, payload, run_at)
      select x."workspaceId", x.kind, x.payload, coalesce(x."runAt", now())
      from jsonb_to_recordset(${JSON.stringify(outbox)}::jsonb) as x(
        "workspaceId" uuid, kind text, payload jsonb, "runAt" timestamptz)
    )
    insert into consent_events (workspace_id, subscriber_id, seq, change_id, type, category_id,
      channel, before, after, source, evidence_id, evidence_digest, occurred_at, prev_hash, hash)
    select x."workspaceId", x."subscriberId", x.seq, x."changeId", x.type, x."categoryId", x.channel,
           x.before, x.after, x.source, x."evidenceId", x."evidenceDigest", x."occurredAt",
           x."prevHash", x.hash
    from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as x(
      "workspaceId" uuid, "subscriberId" uuid, seq integer, "changeId" uuid, type text,
      "categoryId" uuid, channel text, before jsonb, after jsonb, source text, "evidenceId" uuid,
      "evidenceDigest" text, "occurredAt" timestamptz, "prevHash" text, hash text)
    returning id, subscriber_id, seq`)) as unknown as {
    rows: { id: string | number; subscriber_id: string; seq: number }[];
  };
  return writtenEvents(events, result.rows);
}

/** The events as rows, with the ids the database gave them. */
function writtenEvents(
  events: NewEvent[],
  rows: { id: string | number; subscriber_id: string; seq: number }[],
): ConsentEvent[] {
  const ids = new Map(rows.map((r) => [`${r.subscriber_id}:${r.seq}`, Number(r.id)]));
  return events.map((e) => ({
    id: ids.get(`${e.subscriberId}:${e.seq}`) as number,
    workspaceId: e.workspaceId,
    subscriberId: e.subscriberId,
    seq: e.seq,
    changeId: e.changeId,
    type: e.type,
    categoryId: e.categoryId ?? null,
    channel: e.channel ?? null,
    before: e.before,
    after: e.after,
    source: e.source,
    evidenceId: e.evidenceId ?? null,
    evidenceDigest: e.evidenceDigest,
    occurredAt: new Date(e.occurredAt),
    prevHash: e.prevHash,
    hash: e.hash,
  }));
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
