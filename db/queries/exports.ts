import { sql } from 'drizzle-orm';
import { type DbOrTx, queryRows } from '../client';
import type { Channel, EvidenceData, GlobalOptOuts } from '../schema';

/**
 * The console's CSV exports, a page at a time (keyset pagination: each page is one statement that
 * starts after the last key of the page before, so an export of any size holds one page).
 */

export type SubscriberExportRow = {
  id: string;
  externalId: string | null;
  email: string | null;
  phone: string | null;
  locale: string | null;
  createdAt: Date;
  erasedAt: Date | null;
  globalOptOuts: GlobalOptOuts;
  keywordBlocks: Channel[];
  doNotSell: boolean;
  pausedUntil: Date | null;
  /** `<category slug>:<channel>` to the subscription's status. */
  subscriptions: Record<string, string>;
};

export async function subscribersExportPage(
  database: DbOrTx,
  input: { workspaceId: string; after: string | null; limit: number },
): Promise<SubscriberExportRow[]> {
  const rows = await queryRows<{
    id: string;
    external_id: string | null;
    email: string | null;
    phone: string | null;
    locale: string | null;
    created_at: string | Date;
    erased_at: string | Date | null;
    global_opt_outs: GlobalOptOuts;
    keyword_blocks: Channel[];
    do_not_sell: boolean;
    paused_until: string | Date | null;
    subs: Record<string, string> | null;
  }>(
    database,
    sql`
    select s.id, s.external_id, s.email, s.phone, s.locale, s.created_at, s.erased_at,
      s.global_opt_outs, s.keyword_blocks, s.do_not_sell, s.paused_until,
      (select jsonb_object_agg(c.slug || ':' || sub.channel, sub.status)
         from subscriptions sub join categories c on c.id = sub.category_id
         where sub.subscriber_id = s.id and sub.workspace_id = s.workspace_id
           and sub.status <> 'none') as subs
    from subscribers s
    where s.workspace_id = ${input.workspaceId}
      ${input.after === null ? sql`` : sql`and s.id > ${input.after}::uuid`}
    order by s.id
    limit ${input.limit}`,
  );
  return rows.map((r) => ({
    id: r.id,
    externalId: r.external_id,
    email: r.email,
    phone: r.phone,
    locale: r.locale,
    createdAt: new Date(r.created_at),
    erasedAt: r.erased_at === null ? null : new Date(r.erased_at),
    globalOptOuts: r.global_opt_outs ?? {},
    keywordBlocks: r.keyword_blocks ?? [],
    doNotSell: r.do_not_sell,
    pausedUntil: r.paused_until === null ? null : new Date(r.paused_until),
    subscriptions: r.subs ?? {},
  }));
}

export type LedgerExportRow = {
  id: number;
  subscriberId: string;
  seq: number;
  changeId: string;
  type: string;
  category: string | null;
  channel: Channel | null;
  before: unknown;
  after: unknown;
  source: string;
  occurredAt: Date;
  hash: string;
  evidenceId: string | null;
  evidence: EvidenceData | null;
};

/** The workspace's ledger in the order it was written, with each event's evidence (if kept). */
export async function ledgerExportPage(
  database: DbOrTx,
  input: { workspaceId: string; after: number; limit: number },
): Promise<LedgerExportRow[]> {
  const rows = await queryRows<{
    id: string | number;
    subscriber_id: string;
    seq: number;
    change_id: string;
    type: string;
    category: string | null;
    channel: Channel | null;
    before: unknown;
    after: unknown;
    source: string;
    occurred_at: string | Date;
    hash: string;
    evidence_id: string | null;
    evidence: EvidenceData | null;
  }>(
    database,
    sql`
    select e.id, e.subscriber_id, e.seq, e.change_id, e.type, c.slug as category, e.channel,
      e.before, e.after, e.source, e.occurred_at, e.hash, e.evidence_id, ev.data as evidence
    from consent_events e
      left join categories c on c.id = e.category_id
      left join evidence ev on ev.id = e.evidence_id
    where e.workspace_id = ${input.workspaceId} and e.id > ${input.after}
    order by e.id
    limit ${input.limit}`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    subscriberId: r.subscriber_id,
    seq: Number(r.seq),
    changeId: r.change_id,
    type: r.type,
    category: r.category,
    channel: r.channel,
    before: r.before,
    after: r.after,
    source: r.source,
    occurredAt: new Date(r.occurred_at),
    hash: r.hash,
    evidenceId: r.evidence_id,
    evidence: r.evidence,
  }));
}
