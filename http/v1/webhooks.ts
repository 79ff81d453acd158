import { DomainError } from '@/domain/errors';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookAttempts,
  listWebhookEndpoints,
  webhookId,
} from '@/domain/webhooks';
import { apiRoute, pathParam } from '../api';
import { json } from '../problem';
import { parseWith, readJson } from '../request';
import { webhookAttemptsQuerySchema, webhookCreateSchema } from './schemas';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PREFIX = '/api/v1/webhooks';

/** Another workspace's endpoint is as unknown as one that never existed. */
function endpointId(url: URL): string {
  const id = pathParam(url, PREFIX);
  if (!UUID.test(id))
    throw new DomainError('not_found', 'No such webhook endpoint in this workspace.');
  return id;
}

/** POST /api/v1/webhooks: `{url, events?}` → 201 `{id, secret}`; the secret is shown only here. */
export const createWebhook = apiRoute('write', async ({ caller, request }) => {
  const input = parseWith(webhookCreateSchema, await readJson(request));
  const created = await createWebhookEndpoint({ workspaceId: caller.workspaceId, ...input });
  return json(created, 201);
});

/** GET /api/v1/webhooks: the endpoints, without secrets, with why one was disabled. */
export const listWebhooks = apiRoute('read', async ({ caller }) => {
  const endpoints = await listWebhookEndpoints(caller.workspaceId);
  return json({
    webhooks: endpoints.map((e) => ({
      id: e.id,
      url: e.url,
      events: e.events,
      createdAt: e.createdAt.toISOString(),
      disabledAt: e.disabledAt?.toISOString() ?? null,
      disabledReason: e.disabledReason,
    })),
  });
});

/** DELETE /api/v1/webhooks/{id}: 204; deliveries not made yet are dropped. */
export const deleteWebhook = apiRoute('write', async ({ caller, url }) => {
  await deleteWebhookEndpoint(caller.workspaceId, endpointId(url));
  return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });
});

/** GET /api/v1/webhooks/{id}/deliveries?limit=: the most recent attempts, newest first. */
export const listWebhookDeliveries = apiRoute('read', async ({ caller, url }) => {
  const id = endpointId(url);
  const query = parseWith(webhookAttemptsQuerySchema, Object.fromEntries(url.searchParams));
  const attempts = await listWebhookAttempts({
    workspaceId: caller.workspaceId,
    endpointId: id,
    limit: query.limit,
  });
  return json({
    attempts: attempts.map((a) => ({
      webhookId: webhookId(a.deliveryId),
      deliveryId: a.deliveryId,
      eventType: a.eventType,
      subscriberId: a.subscriberId,
      seq: a.seq,
      deliveryStatus: a.deliveryStatus,
      attempt: a.attempt,
      attemptedAt: a.attemptedAt.toISOString(),
      durationMs: a.durationMs,
      ok: a.ok,
      statusCode: a.statusCode,
      error: a.error,
      responseExcerpt: a.responseExcerpt,
    })),
  });
});
