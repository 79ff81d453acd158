import { and, eq, isNull, sql } from 'drizzle-orm';
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

/** Last use of many keys in one statement; an older time never overwrites a newer one. */
export function touchApiKeys(database: DbOrTx, entries: [string, Date][]) {
  const rows = JSON.stringify(entries.map(([id, at]) => ({ id, at: at.toISOString() })));
  return database.execute(sql`
    update api_keys k set last_used_at = greatest(coalesce(k.last_used_at, x.at), x.at)
    from jsonb_to_recordset(${rows}::jsonb) as x(id uuid, at timestamptz)
    where k.id = x.id`);
}
