import { and, asc, desc, eq, inArray, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import {
  categories,
  consentEvents,
  consentTexts,
  evidence,
  feedback,
  subscribers,
} from '../schema';

/**
 * The admin console's subscriber queries (issue 7, item 6), each scoped to one workspace: search,
 * a subscriber's ledger a page at a time with the evidence and feedback behind each event, the
 * ledger up to a moment (for "was this person subscribed at D?"), and the evidence of a few
 * events. Read-only: consent changes go through domain/consent.ts alone.
 */

const listColumns = {
  id: subscribers.id,
  externalId: subscribers.externalId,
  email: subscribers.email,
  phone: subscribers.phone,
  createdAt: subscribers.createdAt,
  erasedAt: subscribers.erasedAt,
  lastSeq: subscribers.lastSeq,
};

/** Exact matches on any of the keys given (each is already normalised like the API does). */
export function searchSubscribersByKeys(
  database: DbOrTx,
  input: {
    workspaceId: string;
    externalId?: string;
    email?: string;
    phone?: string;
    id?: string;
    limit: number;
  },
) {
  const matches: SQL[] = [];
  if (input.id) matches.push(eq(subscribers.id, input.id));
  if (input.externalId) matches.push(eq(subscribers.externalId, input.externalId));
  if (input.email) matches.push(eq(subscribers.email, input.email));
  if (input.phone) matches.push(eq(subscribers.phone, input.phone));
  if (matches.length === 0) return Promise.resolve([]);
  return database
    .select(listColumns)
    .from(subscribers)
    .where(and(eq(subscribers.workspaceId, input.workspaceId), or(...matches)))
    .orderBy(desc(subscribers.createdAt), asc(subscribers.id))
    .limit(input.limit);
}

/** The newest subscribers of the workspace, for the list before anyone searches. */
export function newestSubscribers(database: DbOrTx, input: { workspaceId: string; limit: number }) {
  return database
    .select(listColumns)
    .from(subscribers)
    .where(eq(subscribers.workspaceId, input.workspaceId))
    .orderBy(desc(subscribers.createdAt), asc(subscribers.id))
    .limit(input.limit);
}

export function countSubscribers(database: DbOrTx, workspaceId: string) {
  return database
    .select({ count: sql<number>`count(*)::int` })
    .from(subscribers)
    .where(eq(subscribers.workspaceId, workspaceId))
    .then((rows) => Number(rows[0]?.count ?? 0));
}

/** The subscriber row as the console shows it, with its projection and chain head. */
export function subscriberForConsole(
  database: DbOrTx,
  input: { workspaceId: string; subscriberId: string },
) {
  return database
    .select({
      id: subscribers.id,
      externalId: subscribers.externalId,
      email: subscribers.email,
      phone: subscribers.phone,
      locale: subscribers.locale,
      createdAt: subscribers.createdAt,
      erasedAt: subscribers.erasedAt,
      pausedUntil: subscribers.pausedUntil,
      pauseOwn: subscribers.pauseOwn,
      globalOptOuts: subscribers.globalOptOuts,
      keywordBlocks: subscribers.keywordBlocks,
      doNotSell: subscribers.doNotSell,
      lastSeq: subscribers.lastSeq,
      headHash: subscribers.headHash,
    })
    .from(subscribers)
    .where(
      and(eq(subscribers.workspaceId, input.workspaceId), eq(subscribers.id, input.subscriberId)),
    )
    .limit(1)
    .then((rows) => rows[0]);
}

const eventColumns = {
  id: consentEvents.id,
  seq: consentEvents.seq,
  changeId: consentEvents.changeId,
  type: consentEvents.type,
  categoryId: consentEvents.categoryId,
  category: categories.slug,
  channel: consentEvents.channel,
  before: consentEvents.before,
  after: consentEvents.after,
  source: consentEvents.source,
  evidenceId: consentEvents.evidenceId,
  occurredAt: consentEvents.occurredAt,
  prevHash: consentEvents.prevHash,
  hash: consentEvents.hash,
};

/** The consent text an evidence row names (its id), from this workspace only. */
const consentTextOfEvidence = and(
  eq(consentTexts.workspaceId, evidence.workspaceId),
  sql`${consentTexts.id}::text = ${evidence.data}->>'consentTextId'`,
);

const annotatedColumns = {
  ...eventColumns,
  evidence: evidence.data,
  feedbackReason: feedback.reason,
  feedbackComment: feedback.comment,
  consentTextKey: consentTexts.key,
  consentTextLocale: consentTexts.locale,
  consentTextVersion: consentTexts.version,
  consentTextBody: consentTexts.body,
};

/**
 * A page of one subscriber's ledger, newest first, before sequence number `beforeSeq` (none: from
 * the head), each event with its evidence (gone after an erasure), the feedback given with its
 * change, and the consent text its evidence names.
 */
export function ledgerPageNewestFirst(
  database: DbOrTx,
  input: { workspaceId: string; subscriberId: string; beforeSeq?: number; limit: number },
) {
  return database
    .select(annotatedColumns)
    .from(consentEvents)
    .leftJoin(categories, eq(categories.id, consentEvents.categoryId))
    .leftJoin(
      evidence,
      and(
        eq(evidence.id, consentEvents.evidenceId),
        eq(evidence.workspaceId, consentEvents.workspaceId),
      ),
    )
    .leftJoin(
      feedback,
      and(
        eq(feedback.changeId, consentEvents.changeId),
        eq(feedback.workspaceId, consentEvents.workspaceId),
        eq(feedback.subscriberId, consentEvents.subscriberId),
      ),
    )
    .leftJoin(consentTexts, consentTextOfEvidence)
    .where(
      and(
        eq(consentEvents.workspaceId, input.workspaceId),
        eq(consentEvents.subscriberId, input.subscriberId),
        input.beforeSeq === undefined ? undefined : lt(consentEvents.seq, input.beforeSeq),
      ),
    )
    .orderBy(desc(consentEvents.seq))
    .limit(input.limit);
}

export type AnnotatedEvent = Awaited<ReturnType<typeof ledgerPageNewestFirst>>[number];

/** One subscriber's events that had happened at `at` (inclusive), oldest first. */
export function ledgerUntil(
  database: DbOrTx,
  input: { workspaceId: string; subscriberId: string; at: Date },
) {
  return database
    .select(eventColumns)
    .from(consentEvents)
    .leftJoin(categories, eq(categories.id, consentEvents.categoryId))
    .where(
      and(
        eq(consentEvents.workspaceId, input.workspaceId),
        eq(consentEvents.subscriberId, input.subscriberId),
        lte(consentEvents.occurredAt, input.at),
      ),
    )
    .orderBy(asc(consentEvents.seq));
}

export type LedgerRow = Awaited<ReturnType<typeof ledgerUntil>>[number];

/** Evidence, feedback and consent text of the given events (by sequence number). */
export function eventsAnnotations(
  database: DbOrTx,
  input: { workspaceId: string; subscriberId: string; seqs: number[] },
) {
  if (input.seqs.length === 0) return Promise.resolve([] as AnnotatedEvent[]);
  return database
    .select(annotatedColumns)
    .from(consentEvents)
    .leftJoin(categories, eq(categories.id, consentEvents.categoryId))
    .leftJoin(
      evidence,
      and(
        eq(evidence.id, consentEvents.evidenceId),
        eq(evidence.workspaceId, consentEvents.workspaceId),
      ),
    )
    .leftJoin(
      feedback,
      and(
        eq(feedback.changeId, consentEvents.changeId),
        eq(feedback.workspaceId, consentEvents.workspaceId),
        eq(feedback.subscriberId, consentEvents.subscriberId),
      ),
    )
    .leftJoin(consentTexts, consentTextOfEvidence)
    .where(
      and(
        eq(consentEvents.workspaceId, input.workspaceId),
        eq(consentEvents.subscriberId, input.subscriberId),
        inArray(consentEvents.seq, input.seqs),
      ),
    )
    .orderBy(asc(consentEvents.seq));
}

/** The workspace's categories (archived ones too: history points at them). */
export function categoriesForLedger(database: DbOrTx, workspaceId: string) {
  return database
    .select({
      id: categories.id,
      slug: categories.slug,
      kind: categories.kind,
      channels: categories.channels,
      texts: categories.texts,
      archivedAt: categories.archivedAt,
    })
    .from(categories)
    .where(eq(categories.workspaceId, workspaceId))
    .orderBy(asc(categories.position), asc(categories.slug));
}
