import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, type Db, db } from '@/db/client';
import * as schema from '@/db/schema';
import { outbox, webhookAttempts, webhookDeliveries } from '@/db/schema';
import { config } from '@/platform/config';
import { applyConsentFor } from './consent';
import { registerJobHandler, runOutboxOnce } from './outbox';
import { makeSubscriber, makeWorkspace } from './test-fixtures';
import { type Receiver, startReceiver } from './webhook-receiver.fixture';
import {
  createWebhookEndpoint,
  deliverWebhook,
  fanOutEvent,
  RETRY_DELAYS_MS,
  WEBHOOK_DELIVER,
} from './webhooks';

/**
 * PostgreSQL only: two workers on their own connections, as two `npm run worker` processes would
 * be, claim the same jobs at once. Only `consent.changed` and the delivery job are handled here,
 * so the other event kinds of test files sharing the database are left alone.
 */

const NO_WAIT = { allowPrivate: true, retryDelaysMs: RETRY_DELAYS_MS.map(() => 0) };
const pools: Pool[] = [];
let receiver: Receiver;
const undo: (() => void)[] = [];

function connect(): Db {
  const pool = new Pool({ connectionString: config().databaseUrl, max: 5 });
  pools.push(pool);
  return drizzle({ client: pool, schema }) as unknown as Db;
}

beforeAll(async () => {
  receiver = await startReceiver();
  // A receiver that takes a moment, so both workers are busy at once.
  receiver.respond(() => ({ status: 204, delayMs: 20 }));
  undo.push(
    registerJobHandler('consent.changed', async (job) => void (await fanOutEvent(job))),
    registerJobHandler(WEBHOOK_DELIVER, async (job) => void (await deliverWebhook(job, NO_WAIT))),
  );
});
afterAll(async () => {
  for (const u of undo) u();
  await receiver.close();
  for (const pool of pools) await pool.end();
  await closeDb();
});

describe('two workers at once on PostgreSQL', () => {
  it('deliver each event once in the normal case', async () => {
    const { workspaceId } = await makeWorkspace('webhooks-pg');
    const { id: endpointId } = await createWebhookEndpoint(
      { workspaceId, url: receiver.url },
      NO_WAIT,
    );
    const count = 40;
    for (let i = 0; i < count; i++) {
      const person = await makeSubscriber(workspaceId);
      await applyConsentFor({
        workspaceId,
        subscriberId: person.id,
        source: 'api',
        changes: [
          { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
        ],
      });
    }

    const dbh = await db();
    const delivered = async () =>
      (
        await dbh
          .select({ status: webhookDeliveries.status })
          .from(webhookDeliveries)
          .where(eq(webhookDeliveries.endpointId, endpointId))
      ).filter((d) => d.status === 'delivered').length;
    const deadline = Date.now() + 45_000;
    const worker = async (name: string, database: Db) => {
      while (Date.now() < deadline && (await delivered()) < count) {
        const ran = await runOutboxOnce(
          { workerId: name, batch: 4, workspaceIds: [workspaceId] },
          database,
        );
        if (ran === 0) await new Promise((r) => setTimeout(r, 10));
      }
    };
    const a = `pg-webhooks-a-${process.pid}`;
    const b = `pg-webhooks-b-${process.pid}`;
    await Promise.all([worker(a, connect()), worker(b, connect())]);

    expect(await delivered()).toBe(count);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(count);
    expect(new Set(ids).size).toBe(count);
    const seen = new Set(receiver.received.map((r) => JSON.parse(r.body).data.subscriberId));
    expect(seen.size).toBe(count);
    const attempts = await dbh
      .select({ attempt: webhookAttempts.attempt, ok: webhookAttempts.ok })
      .from(webhookAttempts)
      .where(eq(webhookAttempts.endpointId, endpointId));
    expect(attempts).toHaveLength(count);
    expect(attempts.every((x) => x.attempt === 1 && x.ok)).toBe(true);
    // Both workers took part: the claims really were concurrent.
    const lockers = await dbh
      .selectDistinct({ by: outbox.lockedBy })
      .from(outbox)
      .where(eq(outbox.workspaceId, workspaceId));
    expect(lockers.map((l) => l.by).sort()).toEqual([a, b].sort());
  });
});
