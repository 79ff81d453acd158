import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, dbKind } from '@/db/client';
import { applyConsentFor } from './consent';
import { runOutboxOnce } from './outbox';
import { makeSubscriber, makeWorkspace } from './test-fixtures';
import { type Receiver, startReceiver } from './webhook-receiver.fixture';
import {
  createWebhookEndpoint,
  RETRY_DELAYS_MS,
  registerWebhookJobs,
  type WebhookBody,
} from './webhooks';

/**
 * The runtime's wiring, end to end through the worker alone. PGlite only (the file name keeps it
 * out of the PostgreSQL project): there the database is shared with other test files, and a
 * worker with every webhook handler registered would take their event jobs too.
 */

const NO_WAIT = { allowPrivate: true, retryDelaysMs: RETRY_DELAYS_MS.map(() => 0) };
const workerId = `webhooks-worker-test-${process.pid}`;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await closeDb();
});

describe('the worker', () => {
  it('registerWebhookJobs wires the three event kinds and the delivery: a consent change reaches the receiver through runOutboxOnce alone', async () => {
    expect(await dbKind()).toBe('pglite');
    const undo = registerWebhookJobs(NO_WAIT);
    try {
      const ws = await makeWorkspace('webhooks-worker');
      await createWebhookEndpoint({ workspaceId: ws.workspaceId, url: receiver.url }, NO_WAIT);
      const person = await makeSubscriber(ws.workspaceId);
      await applyConsentFor({
        workspaceId: ws.workspaceId,
        subscriberId: person.id,
        source: 'api',
        changes: [
          { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
        ],
      });
      for (let i = 0; i < 5; i++) await runOutboxOnce({ workerId });
      const bodies = receiver.received.map((r) => JSON.parse(r.body) as WebhookBody);
      expect(bodies.map((b) => [b.type, b.data.subscriberId])).toEqual([
        ['consent.changed', person.id],
      ]);
    } finally {
      undo();
    }
  });
});
