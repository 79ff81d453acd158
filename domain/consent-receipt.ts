import { type Db, db as getDb } from '@/db/client';
import {
  categoriesForLedger,
  eventsAnnotations,
  ledgerUntil,
  subscriberForConsole,
} from '@/db/queries/admin-subscribers';
import { findWorkspaceById } from '@/db/queries/workspaces';
import type { Channel } from '@/db/schema';
import { AdminAccessError, type AdminSession, requireAdmin } from './admin-guard';
import {
  categoryName,
  formatUtc,
  STATUS_WORDS,
  type TimelineEvent,
  timelineEvent,
  verifySubscriberForAdmin,
} from './admin-subscribers';
import { recordAudit } from './audit';
import { type ConsentAtAnswer, type ConsentAtReason, consentAt, REASON_WORDS } from './consent-at';
import { DomainError } from './errors';

/**
 * The consent receipt (issue 7, item 6): what a business hands a regulator about one person.
 * The workspace, the person's identifiers, every subscription's current state with the event that
 * established it and that event's evidence (including the consent wording shown at opt-in), the
 * opt-outs, pause and carrier blocks likewise, and the chain head with the result of verifying
 * the chain, so anyone holding the ledger export can check it. Built from the ledger alone (the
 * same fold as "was this person subscribed at D?", at the moment of export), in one snapshot.
 */

export const RECEIPT_AUDIT = {
  download: 'subscriber.receipt_download',
  print: 'subscriber.receipt_print',
} as const;

export type ReceiptEvent = Omit<TimelineEvent, 'occurredAt'> & {
  occurredAt: string;
  occurredAtWords: string;
};

export type ConsentReceipt = {
  format: 'dial-consent-receipt-v1';
  generatedAt: string;
  generatedBy: string;
  workspace: { id: string; slug: string; name: string };
  subscriber: {
    id: string;
    externalId: string | null;
    email: string | null;
    phone: string | null;
    createdAt: string;
    erased: boolean;
    erasedAt: string | null;
  };
  subscriptions: {
    category: string;
    categoryName: string;
    kind: 'marketing' | 'transactional';
    channel: Channel;
    status: string;
    statusWords: string;
    frequency: string | null;
    /** Whether a message of this category may go on this channel now, from the ledger. */
    answer: ConsentAtAnswer;
    reason: ConsentAtReason;
    reasonWords: string;
    establishedBy: ReceiptEvent | null;
    /** When another event decided the answer (an opt-out of everything), the subscription's own. */
    subscriptionEvent: ReceiptEvent | null;
  }[];
  pause: { until: string; establishedBy: ReceiptEvent | null } | null;
  globalOptOuts: { scope: Channel | 'all'; own: boolean; establishedBy: ReceiptEvent | null }[];
  smsKeywordBlocks: { channel: Channel; establishedBy: ReceiptEvent | null }[];
  doNotSell: { value: boolean; establishedBy: ReceiptEvent | null };
  chain: {
    events: number;
    headSeq: number;
    headHash: string;
    verified: boolean;
    problems: string[];
    howToVerify: string;
  };
};

const HOW_TO_VERIFY =
  "Each ledger event's hash is SHA-256 over its canonical text (dial-ledger-v1: workspace, subscriber, sequence number, change, type, category, channel, before, after, source, evidence digest, time, previous hash), chained to the previous event of the same subscriber. Recompute the chain from the ledger export: its last hash must equal headHash.";

/** Builds the receipt of one subscriber of this workspace; not_found for any other. */
export async function buildConsentReceipt(
  input: { workspaceId: string; subscriberId: string; generatedBy: string; now?: Date },
  database?: Db,
): Promise<ConsentReceipt> {
  const dbh = database ?? (await getDb());
  const now = input.now ?? new Date();
  const ids = { workspaceId: input.workspaceId, subscriberId: input.subscriberId };
  if (!UUID.test(input.subscriberId)) throw notFound();
  // One snapshot, so the ledger, the evidence and the subscriber row agree with each other.
  const read = await dbh.transaction(
    async (tx) => {
      const subscriber = await subscriberForConsole(tx, ids);
      if (!subscriber) return undefined;
      return {
        subscriber,
        workspace: await findWorkspaceById(tx, input.workspaceId),
        categories: await categoriesForLedger(tx, input.workspaceId),
        events: await ledgerUntil(tx, { ...ids, at: now }),
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  if (!read?.workspace) throw notFound();
  const { subscriber: s, events, categories } = read;
  const names = new Map(categories.map((c) => [c.slug, categoryName(c.texts, c.slug)]));
  const byId = new Map(categories.map((c) => [c.id, c]));

  // Every category and channel the ledger ever touched, in the workspace's category order.
  const keys: { categoryId: string; channel: Channel }[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    if (e.type !== 'subscription' || !e.categoryId || !e.channel) continue;
    const key = `${e.categoryId}:${e.channel}`;
    if (!seen.has(key)) keys.push({ categoryId: e.categoryId, channel: e.channel });
    seen.add(key);
  }
  const order = new Map(categories.map((c, i) => [c.id, i]));
  keys.sort(
    (a, b) =>
      (order.get(a.categoryId) ?? 0) - (order.get(b.categoryId) ?? 0) ||
      a.channel.localeCompare(b.channel),
  );
  const answers = keys.map((k) => {
    const category = byId.get(k.categoryId);
    return {
      key: k,
      category,
      result: consentAt(
        events,
        { ...k, kind: category?.kind ?? 'marketing' },
        new Date(8.64e15), // every event the snapshot holds
      ),
    };
  });

  const last = (predicate: (e: (typeof events)[number]) => boolean) =>
    events.filter(predicate).at(-1) ?? null;
  const pauseEvent = last((e) => e.type === 'pause');
  const pauseUntil = (pauseEvent?.after as { until?: string | null } | undefined)?.until ?? null;
  const pauseRunning = pauseUntil !== null && Date.parse(pauseUntil) > now.getTime();
  const optOutEvents = (['all', 'email', 'sms', 'whatsapp', 'push'] as const).flatMap((scope) => {
    const e = last(
      (x) => x.type === 'global_opt_out' && x.channel === (scope === 'all' ? null : scope),
    );
    const after = e?.after as { optedOut?: boolean; own?: boolean } | undefined;
    return e && after?.optedOut ? [{ scope, own: after.own === true, event: e }] : [];
  });
  const blockEvents = (['email', 'sms', 'whatsapp', 'push'] as const).flatMap((channel) => {
    const e = last((x) => x.type === 'keyword_block' && x.channel === channel);
    return e && (e.after as { blocked?: boolean }).blocked ? [{ channel, event: e }] : [];
  });
  const doNotSellEvent = last((e) => e.type === 'do_not_sell');

  const wanted = new Set<number>();
  for (const a of answers) {
    if (a.result.decidedBy) wanted.add(a.result.decidedBy.seq);
    if (a.result.subscriptionEvent) wanted.add(a.result.subscriptionEvent.seq);
  }
  for (const e of [
    pauseRunning ? pauseEvent : null,
    doNotSellEvent,
    ...optOutEvents.map((o) => o.event),
    ...blockEvents.map((b) => b.event),
  ])
    if (e) wanted.add(e.seq);
  const annotated = new Map(
    (await eventsAnnotations(dbh, { ...ids, seqs: [...wanted] })).map((e) => [e.seq, e]),
  );
  const receiptEvent = (e: { seq: number } | null | undefined): ReceiptEvent | null => {
    const row = e ? annotated.get(e.seq) : undefined;
    if (!row) return null;
    const t = timelineEvent(row, names);
    return {
      ...t,
      occurredAt: t.occurredAt.toISOString(),
      occurredAtWords: formatUtc(t.occurredAt),
    };
  };

  const chain = await verifySubscriberForAdmin(input.workspaceId, input.subscriberId, dbh);
  const erased = s.erasedAt !== null;
  return {
    format: 'dial-consent-receipt-v1',
    generatedAt: now.toISOString(),
    generatedBy: input.generatedBy,
    workspace: { id: read.workspace.id, slug: read.workspace.slug, name: read.workspace.name },
    subscriber: {
      id: s.id,
      externalId: erased ? null : s.externalId,
      email: erased ? null : s.email,
      phone: erased ? null : s.phone,
      createdAt: s.createdAt.toISOString(),
      erased,
      erasedAt: s.erasedAt?.toISOString() ?? null,
    },
    subscriptions: answers.map(({ key, category, result }) => ({
      category: category?.slug ?? key.categoryId,
      categoryName: category ? categoryName(category.texts, category.slug) : key.categoryId,
      kind: category?.kind ?? 'marketing',
      channel: key.channel,
      status: result.subscription.status,
      statusWords: STATUS_WORDS[result.subscription.status],
      frequency: result.subscription.frequency,
      answer: result.answer,
      reason: result.reason,
      reasonWords: REASON_WORDS[result.reason],
      establishedBy: receiptEvent(result.decidedBy ?? result.subscriptionEvent),
      subscriptionEvent: result.decidedBy ? receiptEvent(result.subscriptionEvent) : null,
    })),
    pause:
      pauseRunning && pauseUntil
        ? { until: pauseUntil, establishedBy: receiptEvent(pauseEvent) }
        : null,
    globalOptOuts: optOutEvents.map((o) => ({
      scope: o.scope,
      own: o.own,
      establishedBy: receiptEvent(o.event),
    })),
    smsKeywordBlocks: blockEvents.map((b) => ({
      channel: b.channel,
      establishedBy: receiptEvent(b.event),
    })),
    doNotSell: {
      value: (doNotSellEvent?.after as { value?: boolean } | undefined)?.value === true,
      establishedBy: receiptEvent(doNotSellEvent),
    },
    chain: {
      events: chain?.events ?? events.length,
      headSeq: s.lastSeq,
      headHash: s.headHash,
      verified: chain?.ok === true,
      problems: chain?.problems ?? [],
      howToVerify: HOW_TO_VERIFY,
    },
  };
}

function notFound() {
  return new DomainError('not_found', 'No such subscriber in this workspace.');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The receipt for an admin: any member may export it (viewers too: it changes nothing), and each
 * export is written to the audit log in its own transaction, after the receipt was built.
 */
export async function exportConsentReceipt(
  input: {
    session: AdminSession;
    workspaceSlug: string;
    subscriberId: string;
    format: 'json' | 'print';
    ip?: string | null;
    now?: Date;
  },
  database?: Db,
): Promise<ConsentReceipt> {
  const access = await requireAdmin(input.session, input.workspaceSlug, 'viewer', database);
  const dbh = database ?? (await getDb());
  const receipt = await buildConsentReceipt(
    {
      workspaceId: access.workspace.id,
      subscriberId: input.subscriberId,
      generatedBy: access.admin.email,
      now: input.now,
    },
    dbh,
  );
  await dbh.transaction((tx) =>
    recordAudit(tx, {
      workspaceId: access.workspace.id,
      adminId: access.admin.id,
      action: input.format === 'json' ? RECEIPT_AUDIT.download : RECEIPT_AUDIT.print,
      target: input.subscriberId,
      detail: { headSeq: receipt.chain.headSeq, verified: receipt.chain.verified },
      ip: input.ip ?? null,
    }),
  );
  return receipt;
}

function problem(status: number, code: string, title: string, detail: string): Response {
  return new Response(JSON.stringify({ type: `urn:dial:problem:${code}`, title, status, detail }), {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
  });
}

/**
 * GET …/subscribers/{id}/receipt.json as a plain `(input) => Response`: the route file only
 * supplies the session, the path's parts and the client's address. The guard runs here.
 */
export async function consentReceiptResponse(
  input: {
    session: AdminSession;
    workspaceSlug: string;
    subscriberId: string;
    ip?: string | null;
    now?: Date;
  },
  database?: Db,
): Promise<Response> {
  try {
    const receipt = await exportConsentReceipt({ ...input, format: 'json' }, database);
    const stamp = receipt.generatedAt.slice(0, 10);
    return new Response(`${JSON.stringify(receipt, null, 2)}\n`, {
      status: 200,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="consent-receipt-${receipt.subscriber.id}-${stamp}.json"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  } catch (error) {
    if (error instanceof AdminAccessError) {
      const titles = { 401: 'Sign in first', 403: 'Forbidden', 404: 'Not found' } as const;
      const codes = { 401: 'unauthorized', 403: 'forbidden', 404: 'not-found' } as const;
      return problem(error.status, codes[error.status], titles[error.status], error.message);
    }
    if (error instanceof DomainError && error.code === 'not_found')
      return problem(404, 'not-found', 'Not found', error.message);
    throw error;
  }
}
