import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { workspaceAnalytics } from './analytics';
import { verifyWorkspace } from './chain';
import { stateFromLedger } from './consent';
import { seedLedgerHistory } from './ledger-history';
import { makeWorkspace } from './test-fixtures';
import { createWorkspace } from './workspaces';

afterAll(() => closeDb());

const NOW = new Date('2026-06-15T12:00:00Z');

describe('demo history', () => {
  it('writes months of history through the one door: chains verify, one outbox job per change, projections match the ledger', async () => {
    const { workspaceId } = await makeWorkspace('hist');
    const summary = await seedLedgerHistory({
      workspaceId,
      months: 3,
      subscribers: 60,
      now: NOW,
      seed: 7,
    });
    expect(summary).toMatchObject({ subscribers: 60, refused: 0 });
    expect(summary.changes).toBeGreaterThan(60);
    expect(summary.visits).toBeGreaterThan(10);
    expect(summary.feedback).toBeGreaterThan(0);

    const verification = await verifyWorkspace(workspaceId);
    expect(verification.problems).toEqual([]);
    expect(verification.ok).toBe(true);
    expect(verification.events).toBe(summary.events);

    const dbh = await db();
    // The one door enqueues consent.changed with every change it writes: a row inserted past it
    // would have no job. Every change id of the ledger has exactly one.
    const counts = (await dbh.execute(sql`
      select
        (select count(distinct change_id)::int from consent_events where workspace_id = ${workspaceId}) as changes,
        (select count(*)::int from outbox where workspace_id = ${workspaceId} and kind = 'consent.changed'
           and payload->>'changeId' in (select change_id::text from consent_events where workspace_id = ${workspaceId})) as jobs,
        (select count(*)::int from consent_events where workspace_id = ${workspaceId}
           and (occurred_at >= ${NOW.toISOString()}::timestamptz or occurred_at < '2026-03-15T00:00:00Z')) as outside,
        (select count(*)::int from feedback where workspace_id = ${workspaceId}) as feedback
    `)) as unknown as {
      rows: { changes: number; jobs: number; outside: number; feedback: number }[];
    };
    expect(counts.rows[0]).toEqual({
      changes: summary.changes,
      jobs: summary.changes,
      outside: 0,
      feedback: summary.feedback,
    });

    // The projection the one door kept equals the state folded from the ledger alone.
    const subs = (await dbh.execute(sql`
      select s.id, s.paused_until, s.global_opt_outs,
        coalesce((select json_agg(json_build_object('c', category_id, 'ch', channel, 's', status, 'f', frequency) order by category_id, channel)
                  from subscriptions where subscriber_id = s.id), '[]') as subs
      from subscribers s where s.workspace_id = ${workspaceId} order by s.id limit 15`)) as unknown as {
      rows: {
        id: string;
        paused_until: string | null;
        subs: { c: string; ch: string; s: string; f: string | null }[];
      }[];
    };
    for (const row of subs.rows) {
      const state = await stateFromLedger(workspaceId, row.id);
      const folded = [...state.subscriptions.entries()]
        .map(([key, v]) => {
          const [c, ch] = key.split(':');
          return { c, ch, s: v.status, f: v.frequency };
        })
        .sort((a, b) => `${a.c}${a.ch}`.localeCompare(`${b.c}${b.ch}`));
      expect(folded).toEqual(
        row.subs.sort((a, b) => `${a.c}${a.ch}`.localeCompare(`${b.c}${b.ch}`)),
      );
      expect(state.pause.until ? new Date(state.pause.until).getTime() : null).toBe(
        row.paused_until ? new Date(row.paused_until).getTime() : null,
      );
    }

    // The analytics see every month of it: opt-ins in each, and people who came to leave.
    const analytics = await workspaceAnalytics(
      workspaceId,
      { range: '90', group: 'month' },
      { now: NOW },
    );
    const months = analytics.series.filter((p) => p.in + p.out + p.down > 0).map((p) => p.bucket);
    expect(months).toEqual(expect.arrayContaining(['2026-04-01', '2026-05-01', '2026-06-01']));
    expect(analytics.totals.in).toBeGreaterThan(0);
    expect(analytics.totals.out).toBeGreaterThan(0);
    expect(analytics.totals.down).toBeGreaterThan(0);
    expect(analytics.visits.cameToLeave).toBeGreaterThan(0);
    expect(analytics.visits.scannerAgent + analytics.visits.tooFast).toBeGreaterThan(0);
    expect(analytics.reasons.length).toBeGreaterThan(0);
    // Opening PGlite and migrating it comes first in this file: slow on a busy machine.
  }, 180_000);

  it('refuses a workspace without marketing categories, writing nothing', async () => {
    const workspace = await createWorkspace({
      slug: `hist-empty-${Date.now().toString(36)}`,
      name: 'Empty',
    });
    await expect(
      seedLedgerHistory({ workspaceId: workspace.id, months: 3, subscribers: 5, now: NOW }),
    ).rejects.toThrow(/no marketing category/);
    const dbh = await db();
    const rows = (await dbh.execute(
      sql`select count(*)::int as n from subscribers where workspace_id = ${workspace.id}`,
    )) as unknown as { rows: { n: number }[] };
    expect(rows.rows[0]?.n).toBe(0);
  });
});
