import { createHash, randomBytes } from 'node:crypto';
import type { Channel, EvidenceData, Frequency, SubscriptionStatus } from '@/db/schema';

/**
 * The ledger's pure half: the canonical text an event is hashed over, the chain, the digest of
 * evidence, and the fold that turns a subscriber's events back into current state.
 */

export type SubscriptionValue = {
  status: SubscriptionStatus;
  frequency: Frequency | null;
  ownOptOut: boolean;
};
export type PauseValue = { until: string | null; own: boolean };
export type OptOutValue = { optedOut: boolean; own: boolean };
export type BlockValue = { blocked: boolean };
export type FlagValue = { value: boolean };

/** What one event changed. `channel: null` on a global opt-out means every channel. */
export type EventBody =
  | {
      type: 'subscription';
      categoryId: string;
      channel: Channel;
      before: SubscriptionValue;
      after: SubscriptionValue;
    }
  | { type: 'pause'; categoryId: null; channel: null; before: PauseValue; after: PauseValue }
  | {
      type: 'global_opt_out';
      categoryId: null;
      channel: Channel | null;
      before: OptOutValue;
      after: OptOutValue;
    }
  | {
      type: 'keyword_block';
      categoryId: null;
      channel: Channel;
      before: BlockValue;
      after: BlockValue;
    }
  | { type: 'do_not_sell'; categoryId: null; channel: null; before: FlagValue; after: FlagValue }
  | { type: 'erasure'; categoryId: null; channel: null; before: FlagValue; after: FlagValue };

export type LedgerEvent = EventBody & {
  workspaceId: string;
  subscriberId: string;
  seq: number;
  changeId: string;
  source: string;
  evidenceDigest: string;
  occurredAt: Date;
  prevHash: string;
  hash: string;
};

/** JSON with sorted keys at every depth, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function newEvidenceSalt(): string {
  return randomBytes(16).toString('hex');
}

/** The salt is deleted with the evidence on erasure, so the digest then reveals nothing. */
export function evidenceDigest(salt: string, data: EvidenceData): string {
  return sha256Hex(`${salt}\n${canonicalJson(data)}`);
}

export function canonicalEventText(e: Omit<LedgerEvent, 'hash'>): string {
  return [
    'dial-ledger-v1',
    e.workspaceId,
    e.subscriberId,
    String(e.seq),
    e.changeId,
    e.type,
    e.categoryId ?? '',
    e.channel ?? '',
    canonicalJson(e.before),
    canonicalJson(e.after),
    e.source,
    e.evidenceDigest,
    e.occurredAt.toISOString(),
    e.prevHash,
  ].join('\n');
}

export function eventHash(e: Omit<LedgerEvent, 'hash'>): string {
  return sha256Hex(canonicalEventText(e));
}

export type ChainProblem = { seq: number; problem: string };

/**
 * Checks one subscriber's chain: contiguous sequence numbers from 1, each event hashed over its
 * own canonical text and the previous hash, evidence still present matching its digest, and the
 * chain ending at the head the subscriber row records.
 */
export function verifyChain(input: {
  events: LedgerEvent[];
  evidence: Map<string, { salt: string; data: EvidenceData }>;
  evidenceIds: Map<number, string | null>;
  head: { seq: number; hash: string };
}): ChainProblem[] {
  const problems: ChainProblem[] = [];
  let prev = '';
  input.events.forEach((event, index) => {
    if (event.seq !== index + 1)
      problems.push({ seq: event.seq, problem: `expected seq ${index + 1}` });
    if (event.prevHash !== prev)
      problems.push({ seq: event.seq, problem: 'does not link to the previous event' });
    if (eventHash(event) !== event.hash)
      problems.push({ seq: event.seq, problem: 'hash does not match its content' });
    const evidenceId = input.evidenceIds.get(event.seq);
    const ev = evidenceId ? input.evidence.get(evidenceId) : undefined;
    if (ev && evidenceDigest(ev.salt, ev.data) !== event.evidenceDigest) {
      problems.push({ seq: event.seq, problem: 'evidence does not match its digest' });
    }
    prev = event.hash;
  });
  const last = input.events.at(-1);
  if ((last?.seq ?? 0) !== input.head.seq || (last?.hash ?? '') !== input.head.hash) {
    problems.push({
      seq: last?.seq ?? 0,
      problem: 'chain head differs from the subscriber record',
    });
  }
  return problems;
}

/** Current state of one subscriber, as the projection holds it. */
export type SubscriberState = {
  subscriptions: Map<string, SubscriptionValue>;
  pause: PauseValue;
  globalOptOuts: Map<Channel | 'all', OptOutValue>;
  keywordBlocks: Set<Channel>;
  doNotSell: boolean;
  erased: boolean;
};

export function subscriptionKey(categoryId: string, channel: Channel): string {
  return `${categoryId}:${channel}`;
}

export function emptyState(): SubscriberState {
  return {
    subscriptions: new Map(),
    pause: { until: null, own: false },
    globalOptOuts: new Map(),
    keywordBlocks: new Set(),
    doNotSell: false,
    erased: false,
  };
}

export const NO_SUBSCRIPTION: SubscriptionValue = {
  status: 'none',
  frequency: null,
  ownOptOut: false,
};
export const NOT_OPTED_OUT: OptOutValue = { optedOut: false, own: false };

/** Applies one event's `after` to a state: the rebuild is this, folded over the ledger. */
export function applyEvent(state: SubscriberState, event: EventBody): void {
  switch (event.type) {
    case 'subscription':
      state.subscriptions.set(subscriptionKey(event.categoryId, event.channel), { ...event.after });
      return;
    case 'pause':
      state.pause = { ...event.after };
      return;
    case 'global_opt_out':
      if (event.after.optedOut) state.globalOptOuts.set(event.channel ?? 'all', { ...event.after });
      else state.globalOptOuts.delete(event.channel ?? 'all');
      return;
    case 'keyword_block':
      if (event.after.blocked) state.keywordBlocks.add(event.channel);
      else state.keywordBlocks.delete(event.channel);
      return;
    case 'do_not_sell':
      state.doNotSell = event.after.value;
      return;
    case 'erasure':
      state.erased = event.after.value;
      return;
  }
}

export function foldEvents(events: Iterable<EventBody>): SubscriberState {
  const state = emptyState();
  for (const event of events) applyEvent(state, event);
  return state;
}
