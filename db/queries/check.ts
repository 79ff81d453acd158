import { type SQL, sql } from 'drizzle-orm';
import { type DbOrTx, queryRows } from '../client';
import type { Channel, Frequency, GlobalOptOuts, SubscriptionStatus } from '../schema';

export type CheckRow = {
  id: string;
  externalId: string | null;
  email: string | null;
  phone: string | null;
  pausedUntil: Date | null;
  globalOptOuts: GlobalOptOuts;
  keywordBlocks: Channel[];
  status: SubscriptionStatus | null;
  frequency: Frequency | null;
  /** The last send of this category on this channel since `sendsSince`, if looked up. */
  lastSentAt: Date | null;
};

type RawRow = {
  id: string;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  paused_until: string | Date | null;
  global_opt_outs: GlobalOptOuts;
  keyword_blocks: Channel[] | string;
  status: SubscriptionStatus | null;
  frequency: Frequency | null;
  last_sent_at: string | Date | null;
};

/**
 * One query for any number of references of any kind: the subscribers they match, with the
 * one subscription the check is about and, for a subscribed one whose frequency is not
 * `instant`, the last send of that category on that channel since `sendsSince` (one probe of
 * `sends_last_idx` each, inside the same statement). Reads only.
 */
export async function checkRows(
  database: DbOrTx,
  input: {
    workspaceId: string;
    categoryId: string;
    channel: Channel;
    ids: string[];
    externalIds: string[];
    emails: string[];
    phones: string[];
    /** Null: no frequency to enforce (a transactional category), so sends are not read. */
    sendsSince: Date | null;
    /** Frequency of a subscription that has none stored (the category's default). */
    defaultFrequency: Frequency;
    /** A retried record-and-check: that message's own send does not count against it. */
    excludeMessageId?: string;
  },
): Promise<CheckRow[]> {
  const lastSend =
    input.sendsSince === null
      ? sql`null::timestamptz`
      : sql`case when sub.status = 'subscribed'
              and coalesce(sub.frequency, ${input.defaultFrequency}) <> 'instant'
            then (select max(x.sent_at) from sends x
                  where x.workspace_id = ${input.workspaceId} and x.category_id = ${input.categoryId}
                    and x.channel = ${input.channel} and x.subscriber_id = s.id
                    and x.sent_at > ${input.sendsSince.toISOString()}::timestamptz
                    ${input.excludeMessageId === undefined ? sql`` : sql`and x.message_id is distinct from ${input.excludeMessageId}`})
            end`;
  // One indexed lookup per kind of reference, united: an OR of the four would scan the table.
  const branches: SQL[] = [];
  const branch = (column: SQL, values: string[], type: SQL) => {
    if (values.length > 0) {
      branches.push(
        sql`select id from subscribers where workspace_id = ${input.workspaceId} and ${column} = any(${pgArray(values)}::${type})`,
      );
    }
  };
  branch(sql`id`, input.ids, sql`uuid[]`);
  branch(sql`external_id`, input.externalIds, sql`text[]`);
  branch(sql`email`, input.emails, sql`text[]`);
  branch(sql`phone`, input.phones, sql`text[]`);
  if (branches.length === 0) return [];
  const matches = sql.join(branches, sql` union `);
  const rows = await queryRows<RawRow>(
    database,
    sql`
    select s.id, s.external_id, s.email, s.phone, s.paused_until, s.global_opt_outs, s.keyword_blocks,
           sub.status, sub.frequency, ${lastSend} as last_sent_at
    from (${matches}) m
    join subscribers s on s.id = m.id
    left join subscriptions sub
      on sub.subscriber_id = s.id and sub.category_id = ${input.categoryId} and sub.channel = ${input.channel}`,
  );
  return rows.map((r) => ({
    id: r.id,
    externalId: r.external_id,
    email: r.email,
    phone: r.phone,
    pausedUntil: r.paused_until === null ? null : new Date(r.paused_until),
    globalOptOuts: r.global_opt_outs ?? {},
    keywordBlocks: parseTextArray(r.keyword_blocks) as Channel[],
    status: r.status,
    frequency: r.frequency,
    lastSentAt: r.last_sent_at === null ? null : new Date(r.last_sent_at),
  }));
}

/** A text[] literal, so both drivers pass the array the same way. */
function pgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

function parseTextArray(value: string[] | string | null): string[] {
  if (Array.isArray(value)) return value;
  if (!value || value === '{}') return [];
  return value.slice(1, -1).split(',');
}
