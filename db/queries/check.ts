import { type DbOrTx, preparedRows, textRows } from '../client';
import type { Channel, Frequency, SubscriptionStatus } from '../schema';

/**
 * What the check needs to know of one matched reference, reduced in SQL to plain values (no
 * dates or JSON to parse per row: a bulk check reads a million of these).
 */
export type CheckRow = {
  /** Which of the four arrays the reference came from (0 ids, 1 externalIds, 2 emails, 3 phones). */
  kind: number;
  /** Its 1-based position in that array. */
  ord: number;
  id: string;
  /** Opted out of every channel, or of this one. */
  optedOut: boolean;
  /** An SMS/WhatsApp keyword block on this channel. */
  blocked: boolean;
  /** Epoch milliseconds. */
  pausedUntil: number | null;
  status: SubscriptionStatus | null;
  frequency: Frequency | null;
  /** The last send of this category on this channel since `sendsSince`, if looked up (epoch ms). */
  lastSentAt: number | null;
};

type RawRow = {
  k: number;
  ord: number;
  id: string;
  opted_out: boolean;
  blocked: boolean;
  paused_until: number | string | null;
  status: SubscriptionStatus | null;
  frequency: Frequency | null;
  last_sent_at: number | string | null;
};

/** A single check is prepared once per connection; a batch is planned for its size. */
const PREPARED_MAX_REFERENCES = 16;

export type RefField = 'ids' | 'externalIds' | 'emails' | 'phones';
type RefKind = { field: RefField; column: string; type: string };
const REF_KINDS: RefKind[] = [
  { field: 'ids', column: 'id', type: 'uuid[]' },
  { field: 'externalIds', column: 'external_id', type: 'text[]' },
  { field: 'emails', column: 'email', type: 'text[]' },
  { field: 'phones', column: 'phone', type: 'text[]' },
];

const queryTexts = new Map<string, string>();
const EPOCH_MS = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;

/**
 * What a check reads of a subscriber `s` and its subscription `sub`, the same for a lookup by
 * reference and for a whole workspace read at once. Parameters: $1 workspace, $2 category,
 * $3 channel; `$next` the default frequency and `$next+1` the start of the sends window (when
 * sends are read), `$next+2` the message id a retried record leaves out.
 */
function checkColumns(next: number, withSends: boolean, excluding: boolean): string {
  const lastSend = withSends
    ? `case when sub.status = 'subscribed' and coalesce(sub.frequency, $${next}) <> 'instant'
        then (select ${EPOCH_MS('max(x.sent_at)')} from sends x
              where x.workspace_id = $1 and x.category_id = $2 and x.channel = $3
                and x.subscriber_id = s.id and x.sent_at > $${next + 1}::timestamptz
                ${excluding ? `and x.message_id is distinct from $${next + 2}` : ''})
      end`
    : 'null::float8';
  return `(s.global_opt_outs ? 'all' or s.global_opt_outs ? $3) as opted_out,
      $3 = any(s.keyword_blocks) as blocked, ${EPOCH_MS('s.paused_until')} as paused_until,
      sub.status, sub.frequency, ${lastSend} as last_sent_at`;
}

/**
 * The statement for one shape of request (which kinds of reference, whether sends are read).
 * Its text depends on nothing else, so it is built once and, for single checks, prepared once.
 * Parameters: $1 workspace, $2 category, $3 channel, then one array per kind, then the default
 * frequency and the start of the window, then the message id a retried record leaves out.
 */
function checkQueryText(kinds: RefKind[], withSends: boolean, excluding: boolean): string {
  const key = `${kinds.map((k) => k.field).join(',')}|${withSends}|${excluding}`;
  const known = queryTexts.get(key);
  if (known) return known;
  // Each kind of reference joins its own index; a batch's values come in as one array each, so
  // the planner sees how many there are (an index probe each, or a hash join for big batches).
  const branches = kinds.map(
    (kind, i) =>
      `select ${REF_KINDS.indexOf(kind)} as k, r.ord::int as ord, s.id, s.paused_until,
              s.global_opt_outs, s.keyword_blocks
       from unnest($${4 + i}::${kind.type}) with ordinality r(v, ord)
       join subscribers s on s.workspace_id = $1 and s.${kind.column} = r.v`,
  );
  const text = `select s.k, s.ord, s.id, ${checkColumns(4 + kinds.length, withSends, excluding)}
    from (${branches.join(' union all ')}) s
    left join subscriptions sub
      on sub.subscriber_id = s.id and sub.category_id = $2 and sub.channel = $3`;
  queryTexts.set(key, text);
  return text;
}

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
  const kinds = REF_KINDS.filter((kind) => input[kind.field].length > 0);
  if (kinds.length === 0) return [];
  const withSends = input.sendsSince !== null;
  const excluding = withSends && input.excludeMessageId !== undefined;
  const values: unknown[] = [input.workspaceId, input.categoryId, input.channel];
  for (const kind of kinds) values.push(pgArray(input[kind.field]));
  if (withSends) values.push(input.defaultFrequency, input.sendsSince?.toISOString());
  if (excluding) values.push(input.excludeMessageId);
  const count = kinds.reduce((n, kind) => n + input[kind.field].length, 0);
  const text = checkQueryText(kinds, withSends, excluding);
  const rows =
    count <= PREPARED_MAX_REFERENCES
      ? await preparedRows<RawRow>(database, text, values)
      : await textRows<RawRow>(database, text, values);
  return rows.map((r) => ({ kind: r.k, ord: r.ord, id: r.id, ...stateOf(r) }));
}

type RawState = Omit<RawRow, 'k' | 'ord' | 'id'>;
export type CheckState = Omit<CheckRow, 'kind' | 'ord' | 'id'>;

function stateOf(r: RawState): CheckState {
  return {
    optedOut: r.opted_out,
    blocked: r.blocked,
    pausedUntil: r.paused_until === null ? null : Number(r.paused_until),
    status: r.status,
    frequency: r.frequency,
    lastSentAt: r.last_sent_at === null ? null : Number(r.last_sent_at),
  };
}

/**
 * Every subscriber of the workspace that has a value for one kind of reference, keyed by that
 * value, with what a check needs (`checkRows`' columns): one read of the whole workspace, for a
 * bulk check that covers so much of it that looking each reference up would cost more.
 */
export async function checkStatesByKey(
  database: DbOrTx,
  input: {
    workspaceId: string;
    categoryId: string;
    channel: Channel;
    field: RefField;
    sendsSince: Date | null;
    defaultFrequency: Frequency;
  },
): Promise<Map<string, CheckState>> {
  const kind = REF_KINDS.find((k) => k.field === input.field) as RefKind;
  const withSends = input.sendsSince !== null;
  const values: unknown[] = [input.workspaceId, input.categoryId, input.channel];
  if (withSends) values.push(input.defaultFrequency, input.sendsSince?.toISOString());
  const text = `select s.${kind.column}::text as v, ${checkColumns(4, withSends, false)}
    from subscribers s
    left join subscriptions sub
      on sub.subscriber_id = s.id and sub.category_id = $2 and sub.channel = $3
    where s.workspace_id = $1 and s.${kind.column} is not null`;
  const rows = await textRows<RawState & { v: string }>(database, text, values);
  const states = new Map<string, CheckState>();
  for (const row of rows) states.set(row.v, stateOf(row));
  return states;
}

/** How many subscribers a workspace has (erased ones too: they are still rows). */
export async function countSubscribers(database: DbOrTx, workspaceId: string): Promise<number> {
  const rows = await textRows<{ n: number | string }>(
    database,
    'select count(*) as n from subscribers where workspace_id = $1',
    [workspaceId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** A text[] literal, so both drivers pass the array the same way. */
function pgArray(values: string[]): string {
  return `{${values.map((v) => `"${/["\\]/.test(v) ? v.replace(/["\\]/g, '\\$&') : v}"`).join(',')}}`;
}
