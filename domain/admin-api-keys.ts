import { type Db, type DbOrTx, db as getDb } from '@/db/client';
import {
  findWorkspaceApiKey,
  listWorkspaceApiKeys,
  revokeLiveApiKey,
} from '@/db/queries/admin-api-keys';
import type { AdminActionContext } from './admin-actions';
import {
  type ApiKeyCreateInput,
  type ApiKeyRevokeInput,
  apiKeyCreateSchema,
  apiKeyRevokeSchema,
} from './admin-api-key-validation';
import { clearApiKeyCache, issueApiKey } from './api-keys';
import { recordAudit } from './audit';
import { DomainError } from './errors';

/**
 * API keys as the admin console manages them (issue 7, item 9). Owners only: a key reaches the
 * whole workspace's subscribers. The full key is answered once, by the create command, to the
 * owner who made it; the database keeps its SHA-256 and first characters, and the audit entry
 * only its name, scope and prefix. A revocation clears this process's key cache after it
 * commits, so the very next API call with that key is refused (other instances: within the
 * cache's few seconds, see domain/api-keys.ts).
 */

export const API_KEY_AUDIT = {
  create: 'api_key.create',
  revoke: 'api_key.revoke',
} as const;

export type ApiKeyListItem = Awaited<ReturnType<typeof listWorkspaceApiKeys>>[number];

export async function apiKeysForAdmin(
  workspaceId: string,
  database?: DbOrTx,
): Promise<ApiKeyListItem[]> {
  return listWorkspaceApiKeys(database ?? (await getDb()), workspaceId);
}

/** What the owner sees once: the key in full, with what it is called and may do. */
export type CreatedApiKey = {
  id: string;
  name: string;
  scope: ApiKeyCreateInput['scope'];
  prefix: string;
  key: string;
};

async function create(
  input: ApiKeyCreateInput,
  context: AdminActionContext,
  database?: Db,
): Promise<CreatedApiKey> {
  const dbh = database ?? (await getDb());
  return dbh.transaction(async (tx) => {
    const made = await issueApiKey(tx, {
      workspaceId: context.workspace.id,
      name: input.name,
      scope: input.scope,
    });
    await recordAudit(tx, {
      workspaceId: context.workspace.id,
      adminId: context.admin.id,
      action: API_KEY_AUDIT.create,
      target: made.name,
      // The prefix tells keys apart; the key itself is never written anywhere but the answer.
      detail: { keyId: made.id, scope: made.scope, prefix: made.prefix },
      ip: context.ip,
    });
    return { id: made.id, name: made.name, scope: made.scope, prefix: made.prefix, key: made.key };
  });
}

async function revoke(input: ApiKeyRevokeInput, context: AdminActionContext, database?: Db) {
  const dbh = database ?? (await getDb());
  const result = await dbh.transaction(async (tx) => {
    const revoked = await revokeLiveApiKey(tx, context.workspace.id, input.keyId);
    if (!revoked) {
      const existing = await findWorkspaceApiKey(tx, context.workspace.id, input.keyId);
      if (!existing) throw new DomainError('not_found', 'No such API key in this workspace.');
      // Revoked already (twice clicked, or two owners at once): nothing more to do.
      return { id: existing.id, name: existing.name, changed: false };
    }
    await recordAudit(tx, {
      workspaceId: context.workspace.id,
      adminId: context.admin.id,
      action: API_KEY_AUDIT.revoke,
      target: revoked.name,
      detail: { keyId: revoked.id, prefix: revoked.prefix },
      ip: context.ip,
    });
    return { id: revoked.id, name: revoked.name, changed: true };
  });
  // After the commit: a request that reads the key now finds it revoked, and caches that.
  clearApiKeyCache();
  return result;
}

/** The commands, as `adminAction(command.spec, command.run)` and `runAdminAction` take them. */
export const createApiKeyCommand = {
  spec: { schema: apiKeyCreateSchema, role: 'owner' as const },
  run: (input: ApiKeyCreateInput, context: AdminActionContext) => create(input, context),
};
export const revokeApiKeyCommand = {
  spec: { schema: apiKeyRevokeSchema, role: 'owner' as const },
  run: (input: ApiKeyRevokeInput, context: AdminActionContext) => revoke(input, context),
};
