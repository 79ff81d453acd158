import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, type Db } from '@/db/client';
import * as schema from '@/db/schema';
import { config } from '@/platform/config';
import { verifySubscriberChain } from './chain';
import { check } from './check';
import { applyConsentFor, stateFromLedger } from './consent';
import { makeSubscriber, makeWorkspace } from './test-fixtures';
import type { ConsentChange } from './transitions';

/** PostgreSQL only: many writers on separate connections, as several instances would be. */
let pool: Pool;
let wide: Db;
beforeAll(() => {
  pool = new Pool({ connectionString: config().databaseUrl, max: 50 });
  wide = drizzle({ client: pool, schema }) as unknown as Db;
});
afterAll(async () => {
  await pool.end();
  await closeDb();
});

async function count(subscriberId: string) {
  const result = await pool.query(
    'select count(*)::int as n from consent_events where subscriber_id = $1',
    [subscriberId],
  );
  return result.rows[0].n as number;
}

describe('concurrent writers on PostgreSQL', () => {
  let workspaceId: string;
  beforeAll(async () => {
    ({ workspaceId } = await makeWorkspace('concurrent'));
  });

  it('50 writers changing one subscriber: no event lost, projection equals rebuild, chain verifies', async () => {
    const s = await makeSubscriber(workspaceId);
    const channels = ['email', 'sms', 'push', 'whatsapp'] as const;
    const changesFor = (i: number): ConsentChange[] => [
      {
        type: 'subscription',
        category: 'promotions',
        channel: channels[i % 4] as (typeof channels)[number],
        status: i % 3 === 0 ? 'unsubscribed' : 'subscribed',
        frequency: (['instant', 'weekly', 'monthly'] as const)[i % 3],
      },
      { type: 'pause', until: new Date(Date.now() + (i + 1) * 86_400_000) },
    ];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        applyConsentFor(
          { workspaceId, subscriberId: s.id, source: 'preference_center', changes: changesFor(i) },
          wide,
        ),
      ),
    );
    const written = results.reduce((n, r) => n + (r.ok ? r.events.length : 0), 0);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await count(s.id)).toBe(written);
    const seqs = results
      .flatMap((r) => (r.ok ? r.events.map((e) => e.seq) : []))
      .sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: written }, (_, i) => i + 1));
    expect((await verifySubscriberChain(workspaceId, s.id)).problems).toEqual([]);
    const ledger = await stateFromLedger(workspaceId, s.id);
    const projection = await pool.query(
      'select category_id, channel, status, frequency, own_opt_out from subscriptions where subscriber_id = $1',
      [s.id],
    );
    expect(projection.rows.length).toBe(ledger.subscriptions.size);
    for (const row of projection.rows) {
      expect(ledger.subscriptions.get(`${row.category_id}:${row.channel}`)).toEqual({
        status: row.status,
        frequency: row.frequency,
        ownOptOut: row.own_opt_out,
      });
    }
    const sub = await pool.query('select paused_until from subscribers where id = $1', [s.id]);
    expect(sub.rows[0].paused_until?.toISOString() ?? null).toBe(ledger.pause.until);
  });

  it('50 identical opt-outs at once write exactly one event', async () => {
    const s = await makeSubscriber(workspaceId);
    await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'api',
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
      ],
    });
    const before = await count(s.id);
    const optOut: ConsentChange[] = [
      { type: 'subscription', category: 'promotions', channel: 'email', status: 'unsubscribed' },
    ];
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        applyConsentFor(
          {
            workspaceId,
            subscriberId: s.id,
            source: 'one_click',
            reduceOnly: true,
            changes: optOut,
          },
          wide,
        ),
      ),
    );
    expect(results.filter((r) => r.ok && r.events.length > 0)).toHaveLength(1);
    expect(await count(s.id)).toBe(before + 1);
    expect(
      await check({
        workspaceId,
        subscriber: { id: s.id },
        category: 'promotions',
        channel: 'email',
      }),
    ).toMatchObject({
      allowed: false,
      reason: 'unsubscribed',
    });
    const jobs = await pool.query(
      "select count(*)::int as n from outbox where payload->>'subscriberId' = $1",
      [s.id],
    );
    expect(jobs.rows[0].n).toBe(2);
    expect((await verifySubscriberChain(workspaceId, s.id)).ok).toBe(true);
  });

  it('the ledger guard holds for a second connection too', async () => {
    await expect(pool.query('truncate consent_events')).rejects.toThrow(/append-only/);
    await expect(
      pool.query('delete from consent_events where workspace_id = $1', [workspaceId]),
    ).rejects.toThrow(/append-only/);
  });
});
