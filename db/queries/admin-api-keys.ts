import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { apiKeys } from '../schema';

/** API keys as the admin console lists and revokes them: never the hash, scoped by workspace. */

const keyView = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  scope: apiKeys.scope,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

/** Live keys first, then revoked ones; newest first within each. */
export function listWorkspaceApiKeys(database: DbOrTx, workspaceId: string) {
  return database
    .select(keyView)
    .from(apiKeys)
    .where(eq(apiKeys.workspaceId, workspaceId))
    .orderBy(sql`${apiKeys.revokedAt} is not null`, desc(apiKeys.createdAt), desc(apiKeys.id));
}

export function findWorkspaceApiKey(database: DbOrTx, workspaceId: string, id: string) {
  return database
    .select(keyView)
    .from(apiKeys)
    .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, id)))
    .limit(1)
    .then((rows) => rows[0]);
}

/** Revokes the key if it is still live; answers nothing when it was revoked already. */
export function revokeLiveApiKey(database: DbOrTx, workspaceId: string, id: string) {
  return database
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix })
    .then((rows) => rows[0]);
}
