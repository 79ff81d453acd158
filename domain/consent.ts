import { randomUUID } from 'node:crypto';
import { type Db, db as getDb, type Tx } from '@/db/client';
import {
  type CategoryRow,
  type LockedSubscriber,
  loadCategories,
  loadChange,
  loadEvents,
  loadSubscriptions,
  lockSubscribers,
  type NewEvent,
  type NewEvidence,
  type OutboxWrite,
  replaceSubscriptions,
  type SubscriberWrite,
  type SubscriptionWrite,
  writeConsent,
} from '@/db/queries/consent';
import type { Channel, ConsentEvent, EvidenceData, GlobalOptOuts, Source } from '@/db/schema';
import { DomainError } from './errors';
import {
  type EventBody,
  emptyState,
  eventHash,
  evidenceDigest,
  foldEvents,
  newEvidenceSalt,
  type SubscriberState,
  subscriptionKey,
} from './ledger';
import { spendToken } from './signing-keys';
import {
  type CategoryInfo,
  type ConsentChange,
  computeTransitions,
  type Refusal,
} from './transitions';

/**
 * The one door (DESIGN.md rule 1). Every consent change, from every surface, comes through
 * `applyConsent`: per subscriber, in one transaction, it locks the subscriber, computes the
 * transitions, appends the ledger events with their evidence, updates the projection and
 * enqueues outbox jobs. A change that changes nothing writes nothing.
 */

export type ConsentItem = {
  subscriberId: string;
  changes: ConsentChange[];
  evidence?: EvidenceData;
};

export type ApplyInput = {
  workspaceId: string;
  items: ConsentItem[];
  source: Source;
  reduceOnly?: boolean;
  /** Restoring a prior state on the subscriber's own behalf (undo). */
  restore?: boolean;
  now?: Date;
  /** Runs inside the same transaction after the writes (e.g. to store an idempotent response). */
  within?: (tx: Tx, results: ItemResult[]) => Promise<void>;
};

export type ItemResult =
  | { subscriberId: string; ok: true; changeId: string | null; events: ConsentEvent[] }
  | { subscriberId: string; ok: false; refusals: Refusal[] };

export class UnknownSubscriberError extends Error {
  constructor(readonly subscriberIds: string[]) {
    super(`Unknown subscriber(s): ${subscriberIds.join(', ')}`);
  }
}

export async function applyConsent(input: ApplyInput, database?: Db): Promise<ItemResult[]> {
  const dbh = database ?? (await getDb());
  const now = input.now ?? new Date();
  const ids = [...new Set(input.items.map((i) => i.subscriberId))];
  if (ids.length !== input.items.length) throw new Error('applyConsent: one item per subscriber');
  if (ids.length === 0) return [];

  return dbh.transaction(async (tx) => {
    const locked = await lockSubscribers(tx, input.workspaceId, ids);
    if (locked.length !== ids.length) {
      const found = new Set(locked.map((s) => s.id));
      throw new UnknownSubscriberError(ids.filter((id) => !found.has(id)));
    }
    const categoryMap = categoryIndex(await loadCategories(tx, input.workspaceId));
    const states = await loadStates(tx, input.workspaceId, locked);
    const byId = new Map(locked.map((s) => [s.id, s]));

    const writes = {
      evidence: [] as NewEvidence[],
      events: [] as NewEvent[],
      subscriptions: [] as SubscriptionWrite[],
      subscribers: [] as SubscriberWrite[],
      outbox: [] as OutboxWrite[],
    };
    const pending: { subscriberId: string; changeId: string; count: number }[] = [];
    const results: ItemResult[] = [];

    for (const item of input.items) {
      const subscriber = byId.get(item.subscriberId) as LockedSubscriber;
      const state = states.get(item.subscriberId) as SubscriberState;
      const outcome = computeTransitions(state, item.changes, {
        source: input.source,
        now,
        categories: categoryMap,
        reduceOnly: input.reduceOnly,
        restore: input.restore,
      });
      if (outcome.refusals.length > 0) {
        results.push({ subscriberId: item.subscriberId, ok: false, refusals: outcome.refusals });
        continue;
      }
      if (outcome.events.length === 0) {
        results.push({ subscriberId: item.subscriberId, ok: true, changeId: null, events: [] });
        continue;
      }
      const changeId = randomUUID();
      let digest = '';
      let evidenceId: string | null = null;
      if (item.evidence && Object.keys(item.evidence).length > 0) {
        const salt = newEvidenceSalt();
        evidenceId = randomUUID();
        digest = evidenceDigest(salt, item.evidence);
        writes.evidence.push({
          id: evidenceId,
          workspaceId: input.workspaceId,
          subscriberId: item.subscriberId,
          salt,
          data: item.evidence,
        });
      }
      let seq = subscriber.lastSeq;
      let prevHash = subscriber.headHash;
      for (const body of outcome.events) {
        seq += 1;
        const unsigned = {
          ...body,
          workspaceId: input.workspaceId,
          subscriberId: item.subscriberId,
          seq,
          changeId,
          source: input.source,
          evidenceDigest: digest,
          occurredAt: now,
          prevHash,
        };
        const hash = eventHash(unsigned);
        writes.events.push({ ...unsigned, evidenceId, hash });
        prevHash = hash;
      }
      writes.subscriptions.push(
        ...subscriptionWrites(input.workspaceId, item.subscriberId, outcome.events, state, now),
      );
      writes.subscribers.push(subscriberWrite(item.subscriberId, seq, prevHash, state));
      writes.outbox.push({
        workspaceId: input.workspaceId,
        kind: 'consent.changed',
        payload: {
          subscriberId: item.subscriberId,
          changeId,
          source: input.source,
          fromSeq: subscriber.lastSeq + 1,
          toSeq: seq,
        },
      });
      pending.push({ subscriberId: item.subscriberId, changeId, count: outcome.events.length });
      results.push({ subscriberId: item.subscriberId, ok: true, changeId, events: [] });
    }

    const written = await writeConsent(tx, writes);
    const byChange = new Map<string, ConsentEvent[]>();
    for (const event of written) {
      const list = byChange.get(event.changeId) ?? [];
      list.push(event);
      byChange.set(event.changeId, list);
    }
    for (const result of results) {
      if (result.ok && result.changeId) result.events = byChange.get(result.changeId) ?? [];
    }
    if (input.within) await input.within(tx, results);
    return results;
  });
}

/** One subscriber, all or nothing: the common case for pages and the API. */
export async function applyConsentFor(
  input: Omit<ApplyInput, 'items' | 'within'> & ConsentItem & { within?: ApplyInput['within'] },
  database?: Db,
): Promise<ItemResult> {
  const [result] = await applyConsent(
    {
      workspaceId: input.workspaceId,
      source: input.source,
      reduceOnly: input.reduceOnly,
      restore: input.restore,
      now: input.now,
      within: input.within,
      items: [
        { subscriberId: input.subscriberId, changes: input.changes, evidence: input.evidence },
      ],
    },
    database,
  );
  return result as ItemResult;
}

/**
 * Restores exactly the state before one change (an opt-out's undo). The caller has verified the
 * undo token bound to `changeId`; its `jti` is spent in the same transaction as the restore, so a
 * failed undo leaves the link usable and two clicks restore once.
 */
export async function undoChange(
  input: {
    workspaceId: string;
    subscriberId: string;
    changeId: string;
    source: Source;
    evidence?: EvidenceData;
    jti: string;
  },
  database?: Db,
): Promise<ItemResult> {
  const dbh = database ?? (await getDb());
  const events = await loadChange(dbh, input.workspaceId, input.changeId);
  if (events.length === 0 || events.some((e) => e.subscriberId !== input.subscriberId)) {
    return {
      subscriberId: input.subscriberId,
      ok: false,
      refusals: [{ index: 0, reason: 'not_subscribed', message: 'Nothing to undo.' }],
    };
  }
  const changes: ConsentChange[] = [];
  for (const event of [...events].reverse())
    changes.push(...restoringChanges(event as unknown as EventBody));
  return applyConsentFor(
    {
      workspaceId: input.workspaceId,
      subscriberId: input.subscriberId,
      source: input.source,
      restore: true,
      changes,
      evidence: { ...input.evidence, undoOf: input.changeId },
      within: async (tx) => {
        if (!(await spendToken(tx, { workspaceId: input.workspaceId, jti: input.jti }))) {
          throw new DomainError('conflict', 'This undo link was already used.');
        }
      },
    },
    dbh,
  );
}

function restoringChanges(event: EventBody): ConsentChange[] {
  switch (event.type) {
    case 'subscription':
      return [
        {
          type: 'restore_subscription',
          category: event.categoryId,
          channel: event.channel,
          value: event.before,
        },
      ];
    case 'pause':
      return event.before.until
        ? [{ type: 'pause', until: new Date(event.before.until) }]
        : [{ type: 'resume' }];
    case 'global_opt_out': {
      const scope = event.channel ?? 'all';
      return event.before.optedOut
        ? [{ type: 'global_opt_out', channel: scope }]
        : [{ type: 'global_opt_in', channel: scope }];
    }
    case 'keyword_block':
      return [{ type: 'keyword_block', channel: event.channel, blocked: event.before.blocked }];
    case 'do_not_sell':
      return [{ type: 'do_not_sell', value: event.before.value }];
    case 'erasure':
      return [];
  }
}

export function categoryIndex(rows: CategoryRow[]): Map<string, CategoryInfo> {
  const map = new Map<string, CategoryInfo>();
  for (const row of rows) {
    const info: CategoryInfo = {
      id: row.id,
      slug: row.slug,
      kind: row.kind,
      channels: row.channels,
      frequencies: row.frequencies,
      defaultFrequency: row.defaultFrequency,
      archived: row.archivedAt !== null,
    };
    map.set(row.slug, info);
    map.set(row.id, info);
  }
  return map;
}

async function loadStates(tx: Tx, workspaceId: string, locked: LockedSubscriber[]) {
  const rows = await loadSubscriptions(
    tx,
    workspaceId,
    locked.map((s) => s.id),
  );
  const states = new Map<string, SubscriberState>();
  for (const s of locked) states.set(s.id, stateFromProjection(s));
  for (const row of rows) {
    states.get(row.subscriberId)?.subscriptions.set(subscriptionKey(row.categoryId, row.channel), {
      status: row.status,
      frequency: row.frequency,
      ownOptOut: row.ownOptOut,
    });
  }
  return states;
}

function stateFromProjection(s: LockedSubscriber): SubscriberState {
  const state = emptyState();
  state.pause = { until: s.pausedUntil ? s.pausedUntil.toISOString() : null, own: s.pauseOwn };
  for (const [scope, value] of Object.entries(s.globalOptOuts)) {
    if (value)
      state.globalOptOuts.set(scope as Channel | 'all', { optedOut: true, own: value.own });
  }
  state.keywordBlocks = new Set(s.keywordBlocks);
  state.doNotSell = s.doNotSell;
  state.erased = s.erasedAt !== null;
  return state;
}

function subscriptionWrites(
  workspaceId: string,
  subscriberId: string,
  events: EventBody[],
  state: SubscriberState,
  now: Date,
): SubscriptionWrite[] {
  const touched = new Map<string, SubscriptionWrite>();
  for (const event of events) {
    if (event.type !== 'subscription') continue;
    const key = subscriptionKey(event.categoryId, event.channel);
    const value = state.subscriptions.get(key);
    if (!value) continue;
    touched.set(key, {
      workspaceId,
      subscriberId,
      categoryId: event.categoryId,
      channel: event.channel,
      status: value.status,
      frequency: value.frequency,
      ownOptOut: value.ownOptOut,
      updatedAt: now,
    });
  }
  return [...touched.values()];
}

function subscriberWrite(
  id: string,
  lastSeq: number,
  headHash: string,
  state: SubscriberState,
): SubscriberWrite {
  const globalOptOuts: GlobalOptOuts = {};
  for (const [scope, value] of state.globalOptOuts)
    if (value.optedOut) globalOptOuts[scope] = { own: value.own };
  return {
    id,
    lastSeq,
    headHash,
    pausedUntil: state.pause.until,
    pauseOwn: state.pause.own,
    globalOptOuts,
    keywordBlocks: [...state.keywordBlocks],
    doNotSell: state.doNotSell,
    erased: state.erased,
  };
}

/** The projection as the ledger alone says it should be. */
export async function stateFromLedger(
  workspaceId: string,
  subscriberId: string,
  database?: Db,
): Promise<SubscriberState> {
  const dbh = database ?? (await getDb());
  const events = await loadEvents(dbh, workspaceId, [subscriberId]);
  return foldEvents(events as unknown as EventBody[]);
}

/** Recomputes the projection of the given subscribers from the ledger, under their row locks. */
export async function rebuildProjection(
  workspaceId: string,
  subscriberIds: string[],
  database?: Db,
): Promise<void> {
  const dbh = database ?? (await getDb());
  await dbh.transaction(async (tx) => {
    const locked = await lockSubscribers(tx, workspaceId, subscriberIds);
    const ids = locked.map((s) => s.id);
    const events = await loadEvents(tx, workspaceId, ids);
    const grouped = new Map<string, EventBody[]>(ids.map((id) => [id, []]));
    for (const e of events) grouped.get(e.subscriberId)?.push(e as unknown as EventBody);
    const subs: SubscriptionWrite[] = [];
    const rows: SubscriberWrite[] = [];
    const now = new Date();
    for (const s of locked) {
      const state = foldEvents(grouped.get(s.id) ?? []);
      for (const [key, value] of state.subscriptions) {
        const [categoryId, channel] = key.split(':') as [string, Channel];
        subs.push({
          workspaceId,
          subscriberId: s.id,
          categoryId,
          channel,
          ...value,
          updatedAt: now,
        });
      }
      rows.push(subscriberWrite(s.id, s.lastSeq, s.headHash, state));
    }
    await replaceSubscriptions(tx, workspaceId, ids, subs);
    await writeConsent(tx, {
      evidence: [],
      events: [],
      subscriptions: [],
      subscribers: rows,
      outbox: [],
    });
  });
}
