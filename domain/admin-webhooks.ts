import { type Db, type DbOrTx, db as getDb } from '@/db/client';
import { deleteEndpoint, findEndpoint } from '@/db/queries/webhooks';
import type { AdminActionContext } from './admin-actions';
import {
  type WebhookCreateInput,
  type WebhookEndpointInput,
  type WebhookRetryInput,
  webhookCreateSchema,
  webhookEndpointSchema,
  webhookRetrySchema,
} from './admin-webhook-validation';
import { recordAudit } from './audit';
import { DomainError } from './errors';
import {
  checkEndpointUrl,
  enableWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookEndpoints,
  type RecentDelivery,
  type RetryOutcome,
  recentWebhookDeliveries,
  retryWebhookDelivery,
  type WebhookEndpointView,
  type WebhookOptions,
} from './webhooks';

/**
 * Webhooks as the admin console manages them (issue 7, item 9): editors and owners create and
 * delete endpoints, retry a delivery and turn a disabled endpoint back on; viewers read. The
 * signing secret is answered once, by the create command; only a sealed copy is stored, and
 * neither it nor a URL's query string (where receivers often put a token) reaches the audit log.
 */

export const WEBHOOK_AUDIT = {
  create: 'webhook.create',
  delete: 'webhook.delete',
  retry: 'webhook.retry',
  enable: 'webhook.enable',
} as const;

/** Deliveries shown per endpoint. */
export const RECENT_DELIVERIES = 10;

/** The URL as the log shows it: scheme, host and path, no query or fragment. */
export function auditUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return raw.split(/[?#]/)[0] ?? raw;
  }
}

export type EndpointWithDeliveries = WebhookEndpointView & { deliveries: RecentDelivery[] };

export async function webhooksForAdmin(
  workspaceId: string,
  database?: Db,
): Promise<EndpointWithDeliveries[]> {
  const dbh = database ?? (await getDb());
  const [endpoints, deliveries] = await Promise.all([
    listWebhookEndpoints(workspaceId, dbh),
    recentWebhookDeliveries({ workspaceId, perEndpoint: RECENT_DELIVERIES }, dbh),
  ]);
  return endpoints.map((endpoint) => ({
    ...endpoint,
    deliveries: deliveries.filter((d) => d.endpointId === endpoint.id),
  }));
}

async function requireEndpoint(database: DbOrTx, workspaceId: string, id: string) {
  const endpoint = await findEndpoint(database, workspaceId, id);
  if (!endpoint) throw new DomainError('not_found', 'No such webhook endpoint in this workspace.');
  return endpoint;
}

export type CreatedWebhook = { id: string; url: string; secret: string };

async function create(
  input: WebhookCreateInput,
  context: AdminActionContext,
  options: WebhookOptions = {},
  database?: Db,
): Promise<CreatedWebhook> {
  // The SSRF rule asks the DNS: outside the transaction.
  await checkEndpointUrl(input.url, options);
  const dbh = database ?? (await getDb());
  return dbh.transaction(async (tx) => {
    const made = await insertWebhookEndpoint(tx, {
      workspaceId: context.workspace.id,
      url: input.url,
      events: input.events,
    });
    await recordAudit(tx, {
      workspaceId: context.workspace.id,
      adminId: context.admin.id,
      action: WEBHOOK_AUDIT.create,
      target: auditUrl(input.url),
      detail: { endpointId: made.id, events: made.events },
      ip: context.ip,
    });
    return { id: made.id, url: input.url, secret: made.secret };
  });
}

async function remove(input: WebhookEndpointInput, context: AdminActionContext, database?: Db) {
  const dbh = database ?? (await getDb());
  return dbh.transaction(async (tx) => {
    const endpoint = await requireEndpoint(tx, context.workspace.id, input.endpointId);
    await deleteEndpoint(tx, context.workspace.id, endpoint.id);
    await recordAudit(tx, {
      workspaceId: context.workspace.id,
      adminId: context.admin.id,
      action: WEBHOOK_AUDIT.delete,
      target: auditUrl(endpoint.url),
      detail: { endpointId: endpoint.id },
      ip: context.ip,
    });
    return { id: endpoint.id };
  });
}

async function retry(
  input: WebhookRetryInput,
  context: AdminActionContext,
  database?: Db,
): Promise<{ outcome: RetryOutcome }> {
  const dbh = database ?? (await getDb());
  return dbh.transaction(async (tx) => {
    const { outcome, delivery } = await retryWebhookDelivery(tx, {
      workspaceId: context.workspace.id,
      deliveryId: input.deliveryId,
    });
    // A retry that changes nothing (pressed twice) is not logged twice.
    if (outcome !== 'unchanged')
      await recordAudit(tx, {
        workspaceId: context.workspace.id,
        adminId: context.admin.id,
        action: WEBHOOK_AUDIT.retry,
        target: auditUrl(delivery.url),
        detail: { deliveryId: delivery.id, eventType: delivery.eventType, outcome },
        ip: context.ip,
      });
    return { outcome };
  });
}

async function enable(input: WebhookEndpointInput, context: AdminActionContext, database?: Db) {
  const dbh = database ?? (await getDb());
  return dbh.transaction(async (tx) => {
    const enabled = await enableWebhookEndpoint(tx, context.workspace.id, input.endpointId);
    if (!enabled) return { id: input.endpointId, changed: false };
    await recordAudit(tx, {
      workspaceId: context.workspace.id,
      adminId: context.admin.id,
      action: WEBHOOK_AUDIT.enable,
      target: auditUrl(enabled.url),
      detail: { endpointId: enabled.id },
      ip: context.ip,
    });
    return { id: enabled.id, changed: true };
  });
}

/** The commands, as `adminAction(command.spec, command.run)` and `runAdminAction` take them. */
export const createWebhookCommand = {
  spec: { schema: webhookCreateSchema, role: 'editor' as const },
  run: (input: WebhookCreateInput, context: AdminActionContext) => create(input, context),
  /** For tests: the same command with webhook options (private targets allowed, say). */
  withOptions: (options: WebhookOptions) => ({
    spec: { schema: webhookCreateSchema, role: 'editor' as const },
    run: (input: WebhookCreateInput, context: AdminActionContext) =>
      create(input, context, options),
  }),
};
export const deleteWebhookCommand = {
  spec: { schema: webhookEndpointSchema, role: 'editor' as const },
  run: (input: WebhookEndpointInput, context: AdminActionContext) => remove(input, context),
};
export const retryWebhookDeliveryCommand = {
  spec: { schema: webhookRetrySchema, role: 'editor' as const },
  run: (input: WebhookRetryInput, context: AdminActionContext) => retry(input, context),
};
export const enableWebhookCommand = {
  spec: { schema: webhookEndpointSchema, role: 'editor' as const },
  run: (input: WebhookEndpointInput, context: AdminActionContext) => enable(input, context),
};
