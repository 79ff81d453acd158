import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { closeDb, db } from '@/db/client';
import {
  type AdminRole,
  outbox,
  WEBHOOK_EVENTS,
  webhookDeliveries,
  webhookEndpoints,
} from '@/db/schema';
import { type AdminActionContext, runAdminAction } from './admin-actions';
import { WEBHOOK_EVENT_TYPES } from './admin-webhook-validation';
import {
  auditUrl,
  createWebhookCommand,
  deleteWebhookCommand,
  enableWebhookCommand,
  retryWebhookDeliveryCommand,
  webhooksForAdmin,
} from './admin-webhooks';
import { createAdmin } from './admins';
import { auditLogPage } from './audit';
import { applyConsentFor } from './consent';
import { runOutboxOnce } from './outbox';
import { makeSubscriber, makeWorkspace } from './test-fixtures';
import { type Receiver, startReceiver } from './webhook-receiver.fixture';
import { openSecret, registerWebhookJobs, WEBHOOK_DELIVER } from './webhooks';

/**
 * Webhooks in the admin console, against a real receiver on loopback (private targets allowed
 * for these tests only) and the real worker: one attempt, then the next one 60 s later unless
 * someone presses Retry.
 */

const LOOPBACK = { allowPrivate: true };
let receiver: Receiver;
let unregister: () => void;
const workerId = `admin-webhooks-${randomUUID().slice(0, 6)}`;
/** This file's workspaces: its worker claims only their jobs (other files share the database). */
const mine: string[] = [];

beforeAll(async () => {
  // Opening PGlite and migrating takes a while on a busy machine: here, not in the first test.
  await db();
  receiver = await startReceiver();
  unregister = registerWebhookJobs({ allowPrivate: true, retryDelaysMs: [60_000] });
});
beforeEach(() => {
  receiver.received.length = 0;
  receiver.respond(() => ({ status: 204 }));
});
afterAll(async () => {
  unregister();
  await receiver.close();
  await closeDb();
});

type Command<S extends z.ZodType, T> = {
  spec: { schema: S; role: AdminRole };
  run: (input: z.output<S>, context: AdminActionContext) => Promise<T>;
};

async function member(workspaceSlug: string, role: AdminRole) {
  const { adminId } = await createAdmin({
    email: `hook-${role}-${randomUUID().slice(0, 8)}@example.com`,
    workspaceSlug,
    role,
  });
  return { adminId };
}

async function setup() {
  const made = await makeWorkspace('hooks');
  mine.push(made.workspaceId);
  const slug = made.workspace.slug;
  const owner = await member(slug, 'owner');
  const editor = await member(slug, 'editor');
  const viewer = await member(slug, 'viewer');
  const as =
    (session: { adminId: string }, workspaceSlug = slug) =>
    <S extends z.ZodType, T>(command: Command<S, T>, input: unknown) =>
      runAdminAction(
        { session, workspaceSlug, input, ip: '203.0.113.7' },
        command.spec,
        command.run,
      );
  return {
    ...made,
    owner: as(owner),
    editor: as(editor),
    viewer: as(viewer),
    editorSession: editor,
    as,
  };
}

const createLoopback = createWebhookCommand.withOptions(LOOPBACK);

/** The worker, until nothing of this file is due. */
async function drive() {
  for (let i = 0; i < 20; i++)
    if ((await runOutboxOnce({ workerId, workspaceIds: mine })) === 0) return;
}

async function optIn(workspaceId: string) {
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

async function deliverJobs(workspaceId: string) {
  return (await db())
    .select({ payload: outbox.payload, runAt: outbox.runAt })
    .from(outbox)
    .where(
      and(
        eq(outbox.workspaceId, workspaceId),
        eq(outbox.kind, WEBHOOK_DELIVER),
        eq(outbox.status, 'pending'),
      ),
    );
}

describe('webhooks in the admin console', () => {
  it('the form offers exactly the event types there are', () => {
    expect([...WEBHOOK_EVENT_TYPES]).toEqual([...WEBHOOK_EVENTS]);
  });

  it('an editor creates an endpoint: the secret answered once (stored sealed), audited without it or the query', async () => {
    const { workspaceId, editor } = await setup();
    const url = `${receiver.url}/dial?token=s3cret`;
    const created = await editor(createLoopback, { url, events: ['consent.changed'] });
    if (!created.ok) throw new Error(created.message);
    expect(created.data.secret).toMatch(/^whsec_/);
    const [row] = await (await db())
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, created.data.id));
    expect(row?.secret).not.toContain(created.data.secret);
    expect(openSecret(row?.secret ?? '')).toBe(created.data.secret);
    const [listed] = await webhooksForAdmin(workspaceId);
    expect(listed).toMatchObject({
      url,
      events: ['consent.changed'],
      disabledAt: null,
      deliveries: [],
    });
    expect(JSON.stringify(listed)).not.toContain(created.data.secret);

    const { entries } = await auditLogPage({ workspaceId });
    expect(entries[0]).toMatchObject({
      action: 'webhook.create',
      target: `${receiver.url}/dial`,
      detail: { endpointId: created.data.id, events: ['consent.changed'] },
    });
    expect(JSON.stringify(entries)).not.toContain('s3cret');
    expect(JSON.stringify(entries)).not.toContain(created.data.secret);
  });

  it('refuses a private address by default (the SSRF rule), a malformed URL and no events, next to the field', async () => {
    const { workspaceId, editor } = await setup();
    const refused = await editor(createWebhookCommand, {
      url: 'http://127.0.0.1:8080/hook',
      events: ['consent.changed'],
    });
    expect(refused).toMatchObject({
      ok: false,
      code: 'validation',
      fieldErrors: { url: expect.stringContaining('a loopback address') },
    });
    expect(
      await editor(createWebhookCommand, { url: 'http://10.1.2.3/x', events: ['consent.changed'] }),
    ).toMatchObject({ ok: false, fieldErrors: { url: expect.stringContaining('private') } });
    expect(
      await editor(createWebhookCommand, {
        url: 'ftp://example.com/x',
        events: ['consent.changed'],
      }),
    ).toMatchObject({ ok: false, fieldErrors: { url: expect.stringContaining('https://') } });
    expect(
      await editor(createWebhookCommand, { url: 'https://example.com/x', events: [] }),
    ).toMatchObject({ ok: false, fieldErrors: { events: 'Choose at least one event.' } });
    expect(await webhooksForAdmin(workspaceId)).toEqual([]);
  });

  it('lists each delivery with its attempts, last error, answer and next attempt; Retry makes it due now, once', async () => {
    const { workspaceId, editor } = await setup();
    const created = await editor(createLoopback, {
      url: `${receiver.url}/down`,
      events: ['consent.changed'],
    });
    if (!created.ok) throw new Error(created.message);
    receiver.respond(() => ({ status: 503, body: 'down for maintenance' }));
    await optIn(workspaceId);
    const before = Date.now();
    await drive(); // fan-out, first attempt (503), the second scheduled 60 s later

    let [endpoint] = await webhooksForAdmin(workspaceId);
    const [delivery] = endpoint?.deliveries ?? [];
    expect(delivery).toMatchObject({
      eventType: 'consent.changed',
      status: 'pending',
      attempts: 1,
      lastAttempt: {
        ok: false,
        statusCode: 503,
        error: 'HTTP 503',
        excerpt: 'down for maintenance',
      },
    });
    expect(delivery?.nextAttemptAt?.getTime()).toBeGreaterThan(before + 30_000);
    const deliveryId = delivery?.id as string;

    // Retry: the waiting attempt is due now, and the worker makes it.
    const retried = await editor(retryWebhookDeliveryCommand, { deliveryId });
    expect(retried).toMatchObject({ ok: true, data: { outcome: 'due' } });
    const jobs = await deliverJobs(workspaceId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.payload).toEqual({ deliveryId, attempt: 2 });
    expect(jobs[0]?.runAt.getTime()).toBeLessThanOrEqual(Date.now());
    [endpoint] = await webhooksForAdmin(workspaceId);
    expect(endpoint?.deliveries[0]?.nextAttemptAt?.getTime()).toBeLessThanOrEqual(Date.now());

    // Pressed again: nothing more (still one job, no second log entry).
    expect(await editor(retryWebhookDeliveryCommand, { deliveryId })).toMatchObject({
      ok: true,
      data: { outcome: 'unchanged' },
    });
    expect(await deliverJobs(workspaceId)).toHaveLength(1);

    // The second attempt fails too and was the last (one retry in this test's schedule).
    await drive();
    [endpoint] = await webhooksForAdmin(workspaceId);
    expect(endpoint?.deliveries[0]).toMatchObject({
      status: 'failed',
      attempts: 2,
      nextAttemptAt: null,
    });
    expect(await deliverJobs(workspaceId)).toHaveLength(0);

    // Retry of an exhausted delivery: one more attempt, due now; the receiver is back and gets it.
    receiver.respond(() => ({ status: 200, body: 'thanks' }));
    expect(await editor(retryWebhookDeliveryCommand, { deliveryId })).toMatchObject({
      ok: true,
      data: { outcome: 'reopened' },
    });
    expect(await editor(retryWebhookDeliveryCommand, { deliveryId })).toMatchObject({
      ok: true,
      data: { outcome: 'unchanged' },
    });
    expect((await deliverJobs(workspaceId)).map((j) => j.payload)).toEqual([
      { deliveryId, attempt: 3 },
    ]);
    await drive();
    [endpoint] = await webhooksForAdmin(workspaceId);
    expect(endpoint?.deliveries[0]).toMatchObject({
      status: 'delivered',
      attempts: 3,
      lastAttempt: { ok: true, statusCode: 200, excerpt: 'thanks' },
    });
    expect(receiver.received.filter((r) => r.path === '/hooks/down')).toHaveLength(3);

    // Delivered: nothing to retry.
    expect(await editor(retryWebhookDeliveryCommand, { deliveryId })).toMatchObject({
      ok: false,
      code: 'conflict',
      message: expect.stringContaining('delivered already'),
    });
    const { entries } = await auditLogPage({ workspaceId });
    expect(
      entries.filter((e) => e.action === 'webhook.retry').map((e) => e.detail.outcome),
    ).toEqual(['reopened', 'due']);
  });

  it('a disabled endpoint says why; Retry waits until an editor turns it back on', async () => {
    const { workspaceId, editor } = await setup();
    const created = await editor(createLoopback, {
      url: `${receiver.url}/off`,
      events: ['consent.changed'],
    });
    if (!created.ok) throw new Error(created.message);
    const dbh = await db();
    await dbh
      .update(webhookEndpoints)
      .set({
        disabledAt: new Date(),
        disabledReason: 'Every delivery attempt failed for 24 hours.',
      })
      .where(eq(webhookEndpoints.id, created.data.id));
    // An event that arrives while it is off: the endpoint gets no delivery for it.
    await optIn(workspaceId);
    await drive();
    let [endpoint] = await webhooksForAdmin(workspaceId);
    expect(endpoint).toMatchObject({
      disabledReason: 'Every delivery attempt failed for 24 hours.',
      deliveries: [],
    });
    // A delivery skipped because it was turned off between fan-out and attempt.
    const [skipped] = await dbh
      .insert(webhookDeliveries)
      .values({
        workspaceId,
        endpointId: created.data.id,
        eventType: 'consent.changed',
        eventRef: randomUUID(),
        subscriberId: randomUUID(),
        seq: 1,
        status: 'skipped',
      })
      .returning({ id: webhookDeliveries.id });
    const deliveryId = skipped?.id as string;
    expect(await editor(retryWebhookDeliveryCommand, { deliveryId })).toMatchObject({
      ok: false,
      code: 'conflict',
      message: expect.stringContaining('Turn it back on first'),
    });

    expect(await editor(enableWebhookCommand, { endpointId: created.data.id })).toMatchObject({
      ok: true,
      data: { changed: true },
    });
    expect(await editor(enableWebhookCommand, { endpointId: created.data.id })).toMatchObject({
      ok: true,
      data: { changed: false },
    });
    [endpoint] = await webhooksForAdmin(workspaceId);
    expect(endpoint).toMatchObject({ disabledAt: null, disabledReason: null });
    expect(await editor(retryWebhookDeliveryCommand, { deliveryId })).toMatchObject({
      ok: true,
      data: { outcome: 'reopened' },
    });
    expect((await deliverJobs(workspaceId)).map((j) => j.payload)).toEqual([
      { deliveryId, attempt: 1 },
    ]);
    const actions = (await auditLogPage({ workspaceId })).entries.map((e) => e.action);
    expect(actions.filter((a) => a === 'webhook.enable')).toHaveLength(1);
  });

  it('an editor deletes an endpoint with its deliveries; audited', async () => {
    const { workspaceId, editor } = await setup();
    const created = await editor(createLoopback, {
      url: `${receiver.url}/gone`,
      events: ['consent.changed'],
    });
    if (!created.ok) throw new Error(created.message);
    await optIn(workspaceId);
    await drive();
    expect((await webhooksForAdmin(workspaceId))[0]?.deliveries).toHaveLength(1);
    expect(await editor(deleteWebhookCommand, { endpointId: created.data.id })).toMatchObject({
      ok: true,
    });
    expect(await webhooksForAdmin(workspaceId)).toEqual([]);
    expect(await editor(deleteWebhookCommand, { endpointId: created.data.id })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect((await auditLogPage({ workspaceId })).entries[0]).toMatchObject({
      action: 'webhook.delete',
      target: `${receiver.url}/gone`,
    });
  });

  it('a viewer is refused every change; an editor of workspace A gets not_found for workspace B', async () => {
    const a = await setup();
    const b = await setup();
    const bHook = await b.editor(createLoopback, {
      url: `${receiver.url}/b`,
      events: ['consent.changed'],
    });
    if (!bHook.ok) throw new Error(bHook.message);
    await optIn(b.workspaceId);
    await drive();
    const bDelivery = (await webhooksForAdmin(b.workspaceId))[0]?.deliveries[0]?.id as string;
    const endpointId = bHook.data.id;
    const bViewer = b.viewer;
    expect(
      await bViewer(createLoopback, { url: `${receiver.url}/v`, events: ['consent.changed'] }),
    ).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await bViewer(deleteWebhookCommand, { endpointId })).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect(await bViewer(enableWebhookCommand, { endpointId })).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect(await bViewer(retryWebhookDeliveryCommand, { deliveryId: bDelivery })).toMatchObject({
      ok: false,
      code: 'forbidden',
    });

    const aInB = a.as(a.editorSession, b.workspace.slug);
    expect(
      await aInB(createLoopback, { url: `${receiver.url}/a`, events: ['consent.changed'] }),
    ).toMatchObject({ ok: false, code: 'not_found' });
    expect(await aInB(deleteWebhookCommand, { endpointId })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(await aInB(retryWebhookDeliveryCommand, { deliveryId: bDelivery })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    // B's ids through A's own workspace: not A's.
    expect(await a.editor(deleteWebhookCommand, { endpointId })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(await a.editor(enableWebhookCommand, { endpointId })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(await a.editor(retryWebhookDeliveryCommand, { deliveryId: bDelivery })).toMatchObject({
      ok: false,
      code: 'not_found',
    });

    expect(await webhooksForAdmin(b.workspaceId)).toEqual([
      expect.objectContaining({
        id: endpointId,
        deliveries: [expect.objectContaining({ status: 'delivered' })],
      }),
    ]);
    expect(await webhooksForAdmin(a.workspaceId)).toEqual([]);
  });

  it('the log shows a URL without its query or fragment', () => {
    expect(auditUrl('https://hooks.example.com/in?token=abc#x')).toBe(
      'https://hooks.example.com/in',
    );
  });
});
