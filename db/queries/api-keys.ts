import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { apiKeys, workspaces } from '../schema';

export function insertApiKey(database: DbOrTx, values: typeof apiKeys.$inferInsert) {
  return database
    .insert(apiKeys)
    .values(values)
    .returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, scope: apiKeys.scope })
    .then((rows) => rows[0]);
}

/** The live key with this hash and its workspace, in one indexed lookup. */
export function findApiKeyByHash(database: DbOrTx, hash: string) {
  return database
    .select({
      id: apiKeys.id,
      scope: apiKeys.scope,
      workspaceId: apiKeys.workspaceId,
      workspaceSlug: workspaces.slug,
    })
    .from(apiKeys)
    .innerJoin(workspaces, eq(workspaces.id, apiKeys.workspaceId))
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)))
    .limit(1)
    .then((rows) => rows[0]);
}

export function revokeApiKey(database: DbOrTx, workspaceId: string, id: string) {
  return database
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, id)))
    .returning({ id: apiKeys.id });
}
