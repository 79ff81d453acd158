import { type SQL, sql } from 'drizzle-orm';
import { type DbOrTx, queryRows } from '../client';
import type { Channel } from '../schema';

/**
 * The suppression list of one channel, a page at a time (keyset pagination: each page is one
 * query that starts after the last key of the one before, so an export of any size holds one
 * page in memory and never uses OFFSET).
 */

export type SuppressionReason = 'erased' | 'keyword_block' | 'global_opt_out';

export type SuppressedSubscriberRow = {
  id: string;
  externalId: string | null;
  email: string | null;
  phone: string | null;
  reason: SuppressionReason;
  /** When the suppression began, from the ledger (erasure: `erased_at`). */
  since: Date | null;
};

/**
 * Subscribers who may not be sent marketing on `channel` at all: erased, or globally opted out
 * of that channel or of every channel, or blocked by a STOP keyword on it. The reason given is
 * the first that applies, in that order. `since` is when the suppression began: the latest
 * event that turned the opt-out (or block) on, the earliest of the channel's and "all" when
 * both apply.
 */
export async function suppressedSubscribersPage(
  database: DbOrTx,
  input: { workspaceId: string; channel: Channel; after: string | null; limit: number },
): Promise<SuppressedSubscriberRow[]> {
  const { workspaceId, channel } = input;
  const turnedOn = (type: string, scope: SQL, field: string) => sql`(
    select max(e.occurred_at) from consent_events e
    where e.subscriber_id = s.id and e.workspace_id = s.workspace_id and e.type = ${type}
      and ${scope}
      and (e.after ->> ${field}) = 'true' and coalesce(e.before ->> ${field}, 'false') = 'false')`;
  const optedOutOf = sql`(s.global_opt_outs -> ${channel}) is not null`;
  const optedOutOfAll = sql`(s.global_opt_outs -> 'all') is not null`;
  const blocked = sql`${channel} = any(s.keyword_blocks)`;
  const rows = await queryRows<{
    id: string;
    external_id: string | null;
    email: string | null;
    phone: string | null;
    reason: SuppressionReason;
    since: string | Date | null;
  }>(
    database,
    sql`
    select s.id, s.external_id, s.email, s.phone,
      case when s.erased_at is not null then 'erased'
           when ${blocked} then 'keyword_block'
           else 'global_opt_out' end as reason,
      case when s.erased_at is not null then s.erased_at
           when ${blocked} then ${turnedOn('keyword_block', sql`e.channel = ${channel}`, 'blocked')}
           else least(
             case when ${optedOutOf}
               then ${turnedOn('global_opt_out', sql`e.channel = ${channel}`, 'optedOut')} end,
             case when ${optedOutOfAll}
               then ${turnedOn('global_opt_out', sql`e.channel is null`, 'optedOut')} end)
      end as since
    from subscribers s
    where s.workspace_id = ${workspaceId}
      ${input.after === null ? sql`` : sql`and s.id > ${input.after}::uuid`}
      and (s.erased_at is not null or ${optedOutOf} or ${optedOutOfAll} or ${blocked})
    order by s.id
    limit ${input.limit}`,
  );
  return rows.map((r) => ({
    id: r.id,
    externalId: r.external_id,
    email: r.email,
    phone: r.phone,
    reason: r.reason,
    since: r.since === null ? null : new Date(r.since),
  }));
}

export type SuppressionHashRow = {
  addressHash: string;
  keyVersion: number;
  reason: string;
  since: Date;
};

/** The keyed hashes on the suppression list for one address channel (`email`, or `sms` for phones). */
export async function suppressionHashesPage(
  database: DbOrTx,
  input: { workspaceId: string; channel: Channel; after: string | null; limit: number },
): Promise<SuppressionHashRow[]> {
  const rows = await queryRows<{
    address_hash: string;
    key_version: number;
    reason: string;
    created_at: string | Date;
  }>(
    database,
    sql`
    select address_hash, key_version, reason, created_at
    from suppressions
    where workspace_id = ${input.workspaceId} and channel = ${input.channel}
      ${input.after === null ? sql`` : sql`and address_hash > ${input.after}`}
    order by address_hash
    limit ${input.limit}`,
  );
  return rows.map((r) => ({
    addressHash: r.address_hash,
    keyVersion: Number(r.key_version),
    reason: r.reason,
    since: new Date(r.created_at),
  }));
}
