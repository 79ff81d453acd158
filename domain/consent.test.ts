import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { loadSubscriptions } from '@/db/queries/consent';
import { subscribers } from '@/db/schema';
import { verifySubscriberChain, verifyWorkspace, writeCheckpoint } from './chain';
import { check, checkMany } from './check';
import {
  applyConsentFor,
  rebuildProjection,
  stateFromLedger,
  UnknownSubscriberError,
  undoChange,
} from './consent';
import { foldEvents } from './ledger';
import { issueLink, verifyLink } from './signing-keys';
import { makeSubscriber, makeWorkspace } from './test-fixtures';
import { powerOf } from './tokens';
import type { ConsentChange } from './transitions';

afterAll(() => closeDb());

/** The projection as stored, in the same shape as a fold of the ledger. */
async function projectionOf(workspaceId: string, subscriberId: string) {
  const dbh = await db();
  const rows = await loadSubscriptions(dbh, workspaceId, [subscriberId]);
  const [row] = await dbh
    .select()
    .from(subscribers)
    .where(sql`${subscribers.id} = ${subscriberId}`);
  const subs = Object.fromEntries(
    rows.map((r) => [
      `${r.categoryId}:${r.channel}`,
      { status: r.status, frequency: r.frequency, ownOptOut: r.ownOptOut },
    ]),
  );
  return {
    subs,
    pause: { until: row?.pausedUntil?.toISOString() ?? null, own: row?.pauseOwn },
    globalOptOuts: row?.globalOptOuts,
    keywordBlocks: [...(row?.keywordBlocks ?? [])].sort(),
    doNotSell: row?.doNotSell,
  };
}

async function ledgerView(workspaceId: string, subscriberId: string) {
  const state = await stateFromLedger(workspaceId, subscriberId);
  const globalOptOuts: Record<string, { own: boolean }> = {};
  for (const [k, v] of state.globalOptOuts) globalOptOuts[k] = { own: v.own };
  return {
    subs: Object.fromEntries(state.subscriptions),
    pause: state.pause,
    globalOptOuts,
    keywordBlocks: [...state.keywordBlocks].sort(),
    doNotSell: state.doNotSell,
  };
}

describe('the one door', () => {
  let workspaceId: string;
  beforeAll(async () => {
    ({ workspaceId } = await makeWorkspace('door'));
  });

  it('appends events, updates the projection, chains the hashes and enqueues an outbox job', async () => {
    const s = await makeSubscriber(workspaceId);
    const result = await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'api',
      evidence: { apiKeyId: 'k1', ip: '203.0.113.7' },
      changes: [
        {
          type: 'subscription',
          category: 'promotions',
          channel: 'email',
          status: 'subscribed',
          frequency: 'weekly',
        },
        { type: 'subscription', category: 'product-news', channel: 'email', status: 'subscribed' },
      ],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(result.events[1]?.prevHash).toBe(result.events[0]?.hash);
    expect(result.events[0]?.evidenceId).toBeTruthy();
    // The ledger row holds no personal data: the IP is in evidence only.
    expect(JSON.stringify(result.events)).not.toContain('203.0.113.7');
    expect(
      await check({
        workspaceId,
        subscriber: { id: s.id },
        category: 'promotions',
        channel: 'email',
      }),
    ).toEqual({
      allowed: true,
      reason: 'subscribed',
      status: 'subscribed',
      frequency: 'weekly',
    });
    const jobs = await (await db()).execute(
      sql`select kind, payload from outbox where payload->>'changeId' = ${result.changeId}`,
    );
    expect((jobs as unknown as { rows: unknown[] }).rows).toHaveLength(1);
    expect((await verifySubscriberChain(workspaceId, s.id)).ok).toBe(true);
  });

  it('writes nothing for a change that changes nothing', async () => {
    const s = await makeSubscriber(workspaceId);
    const change: ConsentChange[] = [
      { type: 'subscription', category: 'promotions', channel: 'sms', status: 'subscribed' },
    ];
    const first = await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'api',
      changes: change,
    });
    const second = await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'api',
      changes: change,
      evidence: { ip: '1.2.3.4' },
    });
    expect(first.ok && first.events.length).toBe(1);
    expect(second).toEqual({ subscriberId: s.id, ok: true, changeId: null, events: [] });
    const counts = await (await db()).execute(
      sql`select (select count(*) from consent_events where subscriber_id = ${s.id})::int as events,
                 (select count(*) from evidence where subscriber_id = ${s.id})::int as evidence,
                 (select count(*) from outbox where payload->>'subscriberId' = ${s.id})::int as jobs`,
    );
    expect((counts as unknown as { rows: unknown[] }).rows[0]).toEqual({
      events: 1,
      evidence: 0,
      jobs: 1,
    });
  });

  it('refuses an API opt-in over the subscriber own opt-out, with a reason, and writes nothing', async () => {
    const s = await makeSubscriber(workspaceId);
    const optIn: ConsentChange[] = [
      { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
    ];
    await applyConsentFor({ workspaceId, subscriberId: s.id, source: 'api', changes: optIn });
    await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'one_click',
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'unsubscribed' },
      ],
    });
    for (const source of ['api', 'import', 'admin'] as const) {
      const refused = await applyConsentFor({
        workspaceId,
        subscriberId: s.id,
        source,
        changes: optIn,
      });
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.refusals[0]?.reason).toBe('own_opt_out');
    }
    const answer = await check({
      workspaceId,
      subscriber: { id: s.id },
      category: 'promotions',
      channel: 'email',
    });
    expect(answer).toMatchObject({ allowed: false, reason: 'unsubscribed' });
    const again = await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'preference_center',
      changes: optIn,
    });
    expect(again.ok && again.events.length).toBe(1);
  });

  it('undo restores exactly the state before an opt-out', async () => {
    const s = await makeSubscriber(workspaceId);
    await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'api',
      changes: [
        {
          type: 'subscription',
          category: 'promotions',
          channel: 'email',
          status: 'subscribed',
          frequency: 'monthly',
        },
      ],
    });
    const before = await projectionOf(workspaceId, s.id);
    const out = await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'unsubscribe_page',
      reduceOnly: true,
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'unsubscribed' },
        { type: 'global_opt_out', channel: 'all' },
      ],
    });
    if (!out.ok || !out.changeId) throw new Error('opt-out failed');
    expect(
      (
        await check({
          workspaceId,
          subscriber: { id: s.id },
          category: 'promotions',
          channel: 'email',
        })
      ).allowed,
    ).toBe(false);
    const token = await issueLink({
      purpose: 'undo',
      workspaceId,
      subscriberId: s.id,
      changeId: out.changeId,
    });
    const verified = await verifyLink(token, { workspaceId, purpose: 'undo' });
    if (!verified.ok) throw new Error(verified.reason);
    const undo = () =>
      undoChange({
        workspaceId,
        subscriberId: s.id,
        changeId: verified.claims.changeId as string,
        jti: verified.claims.jti,
        source: 'unsubscribe_page',
      });
    const undone = await undo();
    expect(undone.ok).toBe(true);
    expect(await projectionOf(workspaceId, s.id)).toEqual(before);
    expect(
      (
        await check({
          workspaceId,
          subscriber: { id: s.id },
          category: 'promotions',
          channel: 'email',
        })
      ).allowed,
    ).toBe(true);
    // The undo token is single-use: a second click changes nothing.
    await expect(undo()).rejects.toThrow(/already used/);
    expect(
      (
        await check({
          workspaceId,
          subscriber: { id: s.id },
          category: 'promotions',
          channel: 'email',
        })
      ).allowed,
    ).toBe(true);
  });

  it('an unsubscribe token carries only the power to reduce: its holder cannot opt in', async () => {
    const s = await makeSubscriber(workspaceId);
    const token = await issueLink({
      purpose: 'unsubscribe',
      workspaceId,
      subscriberId: s.id,
      channel: 'email',
    });
    const verified = await verifyLink(token, { workspaceId, purpose: 'unsubscribe' });
    if (!verified.ok) throw new Error(verified.reason);
    const power = powerOf(verified.claims.purpose);
    const optIn = await applyConsentFor({
      workspaceId,
      subscriberId: verified.claims.subscriberId,
      source: 'unsubscribe_page',
      reduceOnly: power.reduceOnly,
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
      ],
    });
    expect(optIn.ok).toBe(false);
    if (!optIn.ok) expect(optIn.refusals[0]?.reason).toBe('reduce_only');
    const optOut = await applyConsentFor({
      workspaceId,
      subscriberId: verified.claims.subscriberId,
      source: 'unsubscribe_page',
      reduceOnly: power.reduceOnly,
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'unsubscribed' },
      ],
    });
    expect(optOut.ok).toBe(true);
  });

  it('refuses a subscriber of another workspace', async () => {
    const other = await makeWorkspace('other');
    const stranger = await makeSubscriber(other.workspaceId);
    await expect(
      applyConsentFor({
        workspaceId,
        subscriberId: stranger.id,
        source: 'api',
        changes: [
          {
            type: 'subscription',
            category: 'promotions',
            channel: 'email',
            status: 'unsubscribed',
          },
        ],
      }),
    ).rejects.toBeInstanceOf(UnknownSubscriberError);
  });

  it('rebuilds the projection from the ledger after the projection is damaged', async () => {
    const s = await makeSubscriber(workspaceId);
    await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'preference_center',
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'push', status: 'subscribed' },
        { type: 'pause', until: new Date(Date.now() + 86_400_000) },
        { type: 'global_opt_out', channel: 'sms' },
        { type: 'do_not_sell', value: true },
      ],
    });
    const good = await projectionOf(workspaceId, s.id);
    const dbh = await db();
    await dbh.execute(sql`delete from subscriptions where subscriber_id = ${s.id}`);
    await dbh.execute(
      sql`update subscribers set paused_until = null, do_not_sell = false, global_opt_outs = '{}' where id = ${s.id}`,
    );
    expect(await projectionOf(workspaceId, s.id)).not.toEqual(good);
    await rebuildProjection(workspaceId, [s.id]);
    expect(await projectionOf(workspaceId, s.id)).toEqual(good);
  });
});

describe('checks', () => {
  it('answers every reason, set-based and in input order', async () => {
    const { workspaceId } = await makeWorkspace('check');
    const [subscribed, paused, globalOut, blocked, pending, unsub] = await Promise.all(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => makeSubscriber(workspaceId, `${x}@check.example`)),
    );
    const apply = (
      id: string,
      source: 'api' | 'sms_keyword' | 'preference_center',
      changes: ConsentChange[],
    ) => applyConsentFor({ workspaceId, subscriberId: id, source, changes });
    const sms = (status: 'subscribed' | 'unsubscribed' | 'pending') =>
      ({ type: 'subscription', category: 'promotions', channel: 'sms', status }) as const;
    await apply(subscribed!.id, 'api', [sms('subscribed')]);
    await apply(paused!.id, 'preference_center', [
      sms('subscribed'),
      { type: 'pause', until: new Date(Date.now() + 3_600_000) },
    ]);
    await apply(globalOut!.id, 'preference_center', [
      sms('subscribed'),
      { type: 'global_opt_out', channel: 'sms' },
    ]);
    await apply(blocked!.id, 'sms_keyword', [
      { type: 'keyword_block', channel: 'sms', blocked: true },
    ]);
    await apply(pending!.id, 'api', [sms('pending')]);
    await apply(unsub!.id, 'preference_center', [sms('unsubscribed')]);

    const refs = [
      { id: subscribed!.id },
      { email: 'b@check.example' },
      { id: globalOut!.id },
      { id: blocked!.id },
      { id: pending!.id },
      { id: unsub!.id },
      { email: 'nobody@check.example' },
      { phone: '+14155550100' },
    ];
    const answers = await checkMany({
      workspaceId,
      subscribers: refs,
      category: 'promotions',
      channel: 'sms',
    });
    expect(answers.map((a) => a.reason)).toEqual([
      'subscribed',
      'paused',
      'global_opt_out',
      'sms_blocked',
      'pending',
      'unsubscribed',
      'unknown_subscriber',
      'unknown_subscriber',
    ]);
    expect(answers[1]?.resumesAt).toBeTruthy();
    const orders = await checkMany({
      workspaceId,
      subscribers: refs,
      category: 'order-updates',
      channel: 'sms',
    });
    // Transactional stays on, even for strangers; the carrier's keyword block is the one exception.
    expect(orders.map((a) => a.allowed)).toEqual([true, true, true, false, true, true, true, true]);
    expect(orders[3]?.reason).toBe('sms_blocked');
    expect(
      (
        await checkMany({
          workspaceId,
          subscribers: refs.slice(0, 1),
          category: 'nope',
          channel: 'sms',
        })
      )[0],
    ).toMatchObject({
      allowed: false,
      reason: 'unknown_category',
    });
    const email = await check({
      workspaceId,
      subscriber: { id: blocked!.id },
      category: 'order-updates',
      channel: 'email',
    });
    expect(email).toMatchObject({ allowed: true, reason: 'transactional' });
    const none = await check({
      workspaceId,
      subscriber: { id: blocked!.id },
      category: 'promotions',
      channel: 'email',
    });
    expect(none).toMatchObject({ allowed: false, reason: 'not_subscribed', status: 'none' });
  });

  it('writes nothing to the database', async () => {
    const { workspaceId } = await makeWorkspace('check-ro');
    const s = await makeSubscriber(workspaceId);
    const dbh = await db();
    // Scoped to this workspace: other test files write to the same database at the same time.
    const snapshot = async () =>
      (
        (await dbh.execute(
          sql`select (select count(*) from consent_events where workspace_id = ${workspaceId})::int e,
                     (select count(*) from outbox where workspace_id = ${workspaceId})::int o,
                     (select count(*) from subscriptions where workspace_id = ${workspaceId})::int s,
                     (select count(*) from evidence where workspace_id = ${workspaceId})::int v`,
        )) as unknown as { rows: unknown[] }
      ).rows;
    const before = await snapshot();
    await check({
      workspaceId,
      subscriber: { id: s.id },
      category: 'promotions',
      channel: 'email',
    });
    expect(await snapshot()).toEqual(before);
  });
});

describe('the ledger refuses UPDATE, DELETE and TRUNCATE', () => {
  it('in the database itself', async () => {
    const { workspaceId } = await makeWorkspace('guard');
    const s = await makeSubscriber(workspaceId);
    await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'api',
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
      ],
    });
    await writeCheckpoint(workspaceId);
    const dbh = await db();
    for (const statement of [
      sql`update consent_events set source = 'admin' where subscriber_id = ${s.id}`,
      sql`delete from consent_events where subscriber_id = ${s.id}`,
      sql`truncate consent_events`,
      sql`update ledger_checkpoints set root_hash = 'x' where workspace_id = ${workspaceId}`,
      sql`delete from ledger_checkpoints where workspace_id = ${workspaceId}`,
      sql`truncate ledger_checkpoint_heads`,
    ]) {
      const error = await dbh.execute(statement).then(
        () => undefined,
        (e: Error & { cause?: Error }) => e,
      );
      expect(error?.cause?.message ?? error?.message).toMatch(/append-only/);
    }
    expect((await verifyWorkspace(workspaceId)).ok).toBe(true);
  });

  it('verification catches a forged event and tampered evidence', async () => {
    const { workspaceId } = await makeWorkspace('forge');
    const s = await makeSubscriber(workspaceId);
    await applyConsentFor({
      workspaceId,
      subscriberId: s.id,
      source: 'api',
      evidence: { ip: '198.51.100.1' },
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
      ],
    });
    await writeCheckpoint(workspaceId);
    const dbh = await db();
    await dbh.execute(
      sql`update evidence set data = '{"ip":"10.0.0.1"}' where subscriber_id = ${s.id}`,
    );
    const tampered = await verifyWorkspace(workspaceId);
    expect(tampered.ok).toBe(false);
    expect(tampered.problems.join('\n')).toMatch(/evidence does not match/);
    // Erasing evidence leaves the chain verifiable: the digest is salted and kept in the event.
    await dbh.execute(sql`delete from evidence where subscriber_id = ${s.id}`);
    expect((await verifyWorkspace(workspaceId)).ok).toBe(true);
    // A head moved away from the ledger is caught by the chain check and the checkpoint.
    await dbh.execute(sql`update subscribers set head_hash = 'forged' where id = ${s.id}`);
    const forged = await verifyWorkspace(workspaceId);
    expect(forged.problems.join('\n')).toMatch(/chain head differs/);
  });
});

describe('property: after any sequence of changes, the projection equals the rebuild and chains verify', () => {
  const channels = ['email', 'sms', 'push'] as const;
  const sources = [
    'preference_center',
    'unsubscribe_page',
    'one_click',
    'sms_keyword',
    'api',
    'import',
    'admin',
    'gpc',
    'double_opt_in',
    'embed_form',
  ] as const;
  const change: fc.Arbitrary<ConsentChange> = fc.oneof(
    fc.record({
      type: fc.constant('subscription' as const),
      category: fc.constantFrom('promotions', 'product-news', 'order-updates', 'missing'),
      channel: fc.constantFrom(...channels),
      status: fc.constantFrom('subscribed' as const, 'unsubscribed' as const, 'pending' as const),
      frequency: fc.option(
        fc.constantFrom('instant' as const, 'weekly' as const, 'monthly' as const),
        { nil: undefined },
      ),
    }),
    fc.record({
      type: fc.constant('frequency' as const),
      category: fc.constantFrom('promotions', 'product-news'),
      channel: fc.constantFrom(...channels),
      frequency: fc.constantFrom('instant' as const, 'weekly' as const, 'monthly' as const),
    }),
    fc.record({
      type: fc.constant('pause' as const),
      until: fc.integer({ min: 1, max: 90 }).map((d) => new Date(Date.now() + d * 86_400_000)),
    }),
    fc.constant({ type: 'resume' as const }),
    fc.record({
      type: fc.constant('global_opt_out' as const),
      channel: fc.constantFrom(...channels, 'all' as const),
    }),
    fc.record({
      type: fc.constant('global_opt_in' as const),
      channel: fc.constantFrom(...channels, 'all' as const),
    }),
    fc.record({
      type: fc.constant('keyword_block' as const),
      channel: fc.constantFrom('sms' as const, 'whatsapp' as const),
      blocked: fc.boolean(),
    }),
    fc.record({ type: fc.constant('do_not_sell' as const), value: fc.boolean() }),
  );
  const step = fc.record({
    source: fc.constantFrom(...sources),
    reduceOnly: fc.boolean(),
    changes: fc.array(change, { minLength: 1, maxLength: 4 }),
  });

  it('holds for random sequences from random sources', async () => {
    const { workspaceId } = await makeWorkspace('prop');
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const s = await makeSubscriber(workspaceId);
        for (const st of steps) {
          await applyConsentFor({
            workspaceId,
            subscriberId: s.id,
            source: st.source,
            reduceOnly: st.reduceOnly,
            changes: st.changes,
          });
          expect(await projectionOf(workspaceId, s.id)).toEqual(
            await ledgerView(workspaceId, s.id),
          );
          expect((await verifySubscriberChain(workspaceId, s.id)).problems).toEqual([]);
        }
      }),
      { numRuns: 25 },
    );
    await writeCheckpoint(workspaceId);
    expect((await verifyWorkspace(workspaceId)).ok).toBe(true);
  });

  it('fold is the rebuild: folding the ledger twice gives the same state', async () => {
    const a = foldEvents([]);
    expect(a.subscriptions.size).toBe(0);
  });
});
