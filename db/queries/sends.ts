import { and, eq, sql } from 'drizzle-orm';
import { type DbOrTx, queryRows, type Tx } from '../client';
import { type Channel, sends } from '../schema';

/**
 * Sends recorded by senders: what the check's frequency rule counts. Written set-based; read by
 * the check query itself (`db/queries/check.ts`).
 */

export type SendInputRow = {
  /** Position in the request, echoed in what is rejected. */
  index: number;
  id?: string;
  externalId?: string;
  email?: string;
  phone?: string;
  category: string;
  channel: Channel;
  sentAt: Date;
  messageId?: string;
};

export type SendRejection = {
  index: number;
  reason: 'unknown_subscriber' | 'unknown_category' | 'unsupported_channel';
};

type RawResult = { recorded: number; rejected: SendRejection[] | string | null };

/**
 * One statement for the whole batch: the references and category slugs are resolved by joins
 * (one index lookup per kind of reference), the rows that resolve are inserted, and a message id
 * already on record (or repeated in the batch) is skipped. Erased subscribers are not matched.
 */
export async function insertSends(
  database: DbOrTx,
  input: { workspaceId: string; rows: SendInputRow[] },
): Promise<{ recorded: number; rejected: SendRejection[] }> {
  if (input.rows.length === 0) return { recorded: 0, rejected: [] };
  // One JSON parameter rather than nine arrays: both drivers pass it the same way, nulls included.
  const payload = JSON.stringify(
    input.rows.map((r) => ({
      idx: r.index,
      id: r.id ?? null,
      external_id: r.externalId ?? null,
      email: r.email ?? null,
      phone: r.phone ?? null,
      category: r.category,
      channel: r.channel,
      sent_at: r.sentAt.toISOString(),
      message_id: r.messageId ?? null,
    })),
  );
  const ws = input.workspaceId;
  const [result] = await queryRows<RawResult>(
    database,
    sql`
    with input as (
      select * from json_to_recordset(${payload}::json) as i(
        idx int, id uuid, external_id text, email text, phone text,
        category text, channel text, sent_at timestamptz, message_id text)
    ),
    resolved as (
      select i.idx, i.channel, i.sent_at, i.message_id,
             coalesce(s1.id, s2.id, s3.id, s4.id) as subscriber_id,
             c.id as category_id,
             coalesce(i.channel = any(c.channels), false) as channel_ok
      from input i
      left join subscribers s1
        on i.id is not null and s1.workspace_id = ${ws} and s1.id = i.id and s1.erased_at is null
      left join subscribers s2
        on i.external_id is not null and s2.workspace_id = ${ws} and s2.external_id = i.external_id
       and s2.erased_at is null
      left join subscribers s3
        on i.email is not null and s3.workspace_id = ${ws} and s3.email = i.email and s3.erased_at is null
      left join subscribers s4
        on i.phone is not null and s4.workspace_id = ${ws} and s4.phone = i.phone and s4.erased_at is null
      left join categories c
        on c.workspace_id = ${ws} and c.slug = i.category and c.archived_at is null
    ),
    inserted as (
      insert into sends (workspace_id, subscriber_id, category_id, channel, sent_at, message_id)
      select ${ws}, subscriber_id, category_id, channel, sent_at, message_id
      from resolved
      where subscriber_id is not null and channel_ok
      order by idx
      on conflict do nothing
      returning 1
    )
    select
      (select count(*) from inserted)::int as recorded,
      (select coalesce(json_agg(json_build_object('index', idx, 'reason', reason) order by idx), '[]'::json)
       from (select idx,
                    case when category_id is null then 'unknown_category'
                         when not channel_ok then 'unsupported_channel'
                         else 'unknown_subscriber' end as reason
             from resolved
             where subscriber_id is null or not channel_ok) r) as rejected`,
  );
  const rejected = result?.rejected ?? [];
  return {
    recorded: result?.recorded ?? 0,
    rejected: typeof rejected === 'string' ? (JSON.parse(rejected) as SendRejection[]) : rejected,
  };
}

/** One send, for a check that records; nothing when its message id is already on record. */
export function insertSend(
  tx: Tx,
  values: {
    workspaceId: string;
    subscriberId: string;
    categoryId: string;
    channel: Channel;
    sentAt: Date;
    messageId?: string;
  },
): Promise<string | undefined> {
  return tx
    .insert(sends)
    .values(values)
    .onConflictDoNothing()
    .returning({ id: sends.id })
    .then((rows) => rows[0]?.id);
}

export function findSendByMessageId(
  database: DbOrTx,
  input: { workspaceId: string; messageId: string },
) {
  return database
    .select({
      id: sends.id,
      subscriberId: sends.subscriberId,
      categoryId: sends.categoryId,
      channel: sends.channel,
    })
    .from(sends)
    .where(and(eq(sends.workspaceId, input.workspaceId), eq(sends.messageId, input.messageId)))
    .limit(1)
    .then((rows) => rows[0]);
}

/**
 * Serialises check-and-record for one subscriber x category x channel until the transaction
 * ends, so two concurrent checks cannot both take the last slot of a window.
 */
export async function lockSendSlot(
  tx: Tx,
  input: { subscriberId: string; categoryId: string; channel: Channel },
): Promise<void> {
  const key = `dial.sends:${input.subscriberId}:${input.categoryId}:${input.channel}`;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

/** Erasure: a subscriber's sends are personal data of a sort, and go with the rest. */
export function deleteSubscriberSends(
  tx: Tx,
  input: { workspaceId: string; subscriberId: string },
) {
  return tx
    .delete(sends)
    .where(
      and(eq(sends.workspaceId, input.workspaceId), eq(sends.subscriberId, input.subscriberId)),
    );
}
