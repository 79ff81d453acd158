import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';

/**
 * The analytics' numbers, each one statement that groups in the database (issue 7, item 7).
 * Every statement is scoped to one workspace and one period [from, to). Buckets are computed in
 * UTC whatever the session's time zone: `at time zone 'UTC'` gives a plain timestamp that
 * `date_trunc` cuts the same way on every server, and the bucket comes back as text.
 */

export type Unit = 'day' | 'week' | 'month';
export type MovementKind = 'in' | 'out' | 'down';

export type Scope = {
  workspaceId: string;
  from: Date;
  to: Date;
  /** Only events (or visits) of this category; null: every one. */
  categoryId: string | null;
  channel: string | null;
};

/**
 * What one consent event means for the charts, or null (not counted):
 * - `in`: a subscription became "subscribed" (from anything else), or a global opt-out was lifted;
 * - `out`: a subscription went from subscribed or pending to "unsubscribed", or a global opt-out
 *   (one channel or every channel) was made;
 * - `down`: a subscription that stays on got a lower frequency, or the subscriber paused.
 * Bounces and expired double opt-ins are the mail service's and the clock's doing, not a
 * person's, so they are left out.
 */
const KIND = sql`case
  when e.type = 'subscription' and e.after->>'status' = 'subscribed'
       and coalesce(e.before->>'status', 'none') <> 'subscribed' then 'in'
  when e.type = 'global_opt_out' and e.before->>'optedOut' = 'true'
       and e.after->>'optedOut' = 'false' then 'in'
  when e.type = 'subscription' and e.after->>'status' = 'unsubscribed'
       and e.before->>'status' in ('subscribed', 'pending') then 'out'
  when e.type = 'global_opt_out' and e.after->>'optedOut' = 'true'
       and coalesce(e.before->>'optedOut', 'false') = 'false' then 'out'
  when e.type = 'subscription' and e.after->>'status' = 'subscribed'
       and e.before->>'status' = 'subscribed'
       and array_position(array['monthly', 'weekly', 'daily', 'instant']::text[], e.after->>'frequency')
         < array_position(array['monthly', 'weekly', 'daily', 'instant']::text[], e.before->>'frequency')
       then 'down'
  when e.type = 'pause' and e.after->>'until' is not null then 'down'
end`;

const NOT_PEOPLE = sql`e.source not in ('bounce', 'expiry')`;

/** The subscriber's own doings that follow a link visit: what makes a visit a person's. */
const OWN_SOURCES = sql`('unsubscribe_page', 'one_click', 'preference_center', 'double_opt_in')`;

function ts(date: Date): SQL {
  return sql`${date.toISOString()}::timestamptz`;
}

function eventFilters(scope: Scope): SQL {
  return sql`e.workspace_id = ${scope.workspaceId}
    and e.occurred_at >= ${ts(scope.from)} and e.occurred_at < ${ts(scope.to)}
    and ${NOT_PEOPLE}
    ${scope.categoryId ? sql`and e.category_id = ${scope.categoryId}` : sql``}
    ${scope.channel ? sql`and e.channel = ${scope.channel}` : sql``}`;
}

function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** Opt-ins, opt-outs and opt-downs per bucket (`YYYY-MM-DD`, the bucket's first day, UTC). */
export async function movementsOverTime(database: DbOrTx, scope: Scope & { unit: Unit }) {
  const result = await database.execute(sql`
    select to_char(date_trunc(${scope.unit}, k.occurred_at at time zone 'UTC'), 'YYYY-MM-DD') as bucket,
           k.kind, count(*)::int as count
    from (select e.occurred_at, ${KIND} as kind from consent_events e where ${eventFilters(scope)}) k
    where k.kind is not null
    group by 1, 2
    order by 1, 2`);
  return rowsOf<{ bucket: string; kind: MovementKind; count: number }>(result);
}

/**
 * The same movements per category and per channel, in one pass (grouping sets). A null category
 * is a global opt-out or a pause (every category); a null channel, every channel.
 */
export async function movementsByCategoryAndChannel(database: DbOrTx, scope: Scope) {
  const result = await database.execute(sql`
    select k.category_id, k.channel, k.kind, count(*)::int as count,
           grouping(k.category_id)::int as by_channel
    from (select e.category_id, e.channel, ${KIND} as kind
          from consent_events e where ${eventFilters(scope)}) k
    where k.kind is not null
    group by grouping sets ((k.category_id, k.kind), (k.channel, k.kind))`);
  return rowsOf<{
    category_id: string | null;
    channel: string | null;
    kind: MovementKind;
    count: number;
    by_channel: number;
  }>(result).map((r) => ({
    group: r.by_channel === 1 ? ('channel' as const) : ('category' as const),
    categoryId: r.category_id,
    channel: r.channel,
    kind: r.kind,
    count: Number(r.count),
  }));
}

export type VisitRules = {
  /** A visit followed by the subscriber's own change within this many hours is a person's. */
  windowHours: number;
  /** A visit this soon after the link was made is a scanner's (senders make links as they send). */
  fastSeconds: number;
  /** Now: visits younger than the window with nothing after them yet cannot be judged. */
  now: Date;
};

export type VisitSummary = {
  visits: number;
  people: number;
  scannerAgent: number;
  tooFast: number;
  noAction: number;
  tooEarly: number;
  cameToLeave: number;
  saved: number;
  left: number;
};

/**
 * Link visits classified, and the save rate of the people among them, in one statement. Each
 * visit is, in this order: a scanner by its user agent; a scanner because it came within seconds
 * of the link being made; a person's, when the subscriber changed something themselves within
 * the window after it; too early to tell (younger than the window); or, with nothing after it,
 * a suspected scanner. People who came to leave are the subscribers with a person's visit to an
 * unsubscribe link (its landing or its "send me less" page); of them, those who opted out within
 * the window left, and those who opted down or paused and did not opt out were saved.
 */
export async function visitSummary(
  database: DbOrTx,
  scope: Scope & VisitRules,
): Promise<VisitSummary> {
  const result = await database.execute(sql`
    with v as (
      select v.subscriber_id, v.page,
        case
          when v.scanner_agent then 'scanner_agent'
          when v.link_issued_at is not null
               and v.visited_at < v.link_issued_at + make_interval(secs => ${scope.fastSeconds})
            then 'too_fast'
          when a.acted then 'person'
          when v.visited_at > ${ts(scope.now)} - make_interval(hours => ${scope.windowHours})
            then 'too_early'
          else 'no_action'
        end as class,
        coalesce(a.opted_out, false) as opted_out,
        coalesce(a.opted_down, false) as opted_down
      from link_visits v
      left join lateral (
        select true as acted, bool_or(k.kind = 'out') as opted_out, bool_or(k.kind = 'down') as opted_down
        from (select ${KIND} as kind from consent_events e
              where e.workspace_id = v.workspace_id and e.subscriber_id = v.subscriber_id
                and e.occurred_at >= v.visited_at
                and e.occurred_at < v.visited_at + make_interval(hours => ${scope.windowHours})
                and e.source in ${OWN_SOURCES}) k
        having count(*) > 0
      ) a on true
      where v.workspace_id = ${scope.workspaceId}
        and v.visited_at >= ${ts(scope.from)} and v.visited_at < ${ts(scope.to)}
        ${scope.categoryId ? sql`and v.category_id = ${scope.categoryId}` : sql``}
        ${scope.channel ? sql`and v.channel = ${scope.channel}` : sql``}
    ),
    people as (
      select subscriber_id, bool_or(opted_out) as left_, bool_or(opted_down) as down
      from v where class = 'person' and page in ('unsubscribe', 'less')
      group by subscriber_id
    ),
    visits as (
      select count(*)::int as visits,
        (count(*) filter (where class = 'person'))::int as people,
        (count(*) filter (where class = 'scanner_agent'))::int as scanner_agent,
        (count(*) filter (where class = 'too_fast'))::int as too_fast,
        (count(*) filter (where class = 'no_action'))::int as no_action,
        (count(*) filter (where class = 'too_early'))::int as too_early
      from v
    ),
    leaving as (
      select count(*)::int as came_to_leave,
        (count(*) filter (where down and not left_))::int as saved,
        (count(*) filter (where left_))::int as left_count
      from people
    )
    select * from visits cross join leaving`);
  const row = rowsOf<Record<string, number>>(result)[0] ?? {};
  const n = (key: string) => Number(row[key] ?? 0);
  return {
    visits: n('visits'),
    people: n('people'),
    scannerAgent: n('scanner_agent'),
    tooFast: n('too_fast'),
    noAction: n('no_action'),
    tooEarly: n('too_early'),
    cameToLeave: n('came_to_leave'),
    saved: n('saved'),
    left: n('left_count'),
  };
}

/**
 * Feedback on the opt-outs made in the period (the opt-out's time, not the answer's, places it),
 * with the category and channel filters applied to the events of that opt-out.
 */
function feedbackFilters(scope: Scope): SQL {
  return sql`f.workspace_id = ${scope.workspaceId}
    and exists (
      select 1 from consent_events e
      where e.workspace_id = f.workspace_id and e.change_id = f.change_id
        and e.occurred_at >= ${ts(scope.from)} and e.occurred_at < ${ts(scope.to)}
        ${scope.categoryId ? sql`and e.category_id = ${scope.categoryId}` : sql``}
        ${scope.channel ? sql`and e.channel = ${scope.channel}` : sql``}
    )`;
}

export async function feedbackReasonCounts(database: DbOrTx, scope: Scope) {
  const result = await database.execute(sql`
    select f.reason, count(*)::int as count
    from feedback f
    where ${feedbackFilters(scope)}
    group by f.reason
    order by count(*) desc, f.reason`);
  return rowsOf<{ reason: string | null; count: number }>(result).map((r) => ({
    reason: r.reason,
    count: Number(r.count),
  }));
}

export async function recentFeedbackComments(database: DbOrTx, scope: Scope & { limit: number }) {
  const result = await database.execute(sql`
    select f.id, f.reason, f.comment,
      to_char((select min(e.occurred_at) from consent_events e
               where e.workspace_id = f.workspace_id and e.change_id = f.change_id)
              at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as opted_out_at
    from feedback f
    where ${feedbackFilters(scope)} and f.comment is not null and f.comment <> ''
    order by opted_out_at desc, f.id
    limit ${scope.limit}`);
  return rowsOf<{ id: string; reason: string | null; comment: string; opted_out_at: string }>(
    result,
  ).map((r) => ({
    id: r.id,
    reason: r.reason,
    comment: r.comment,
    optedOutAt: r.opted_out_at,
  }));
}
