import { createHash, randomBytes } from 'node:crypto';
import { type Db, db as getDb } from '@/db/client';
import { findApiKeyByHash, insertApiKey, revokeApiKey } from '@/db/queries/api-keys';

/** `write` includes the others; `check` may only ask; `read` may only read. */
export const API_SCOPES = ['read', 'check', 'write'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export type ApiCaller = {
  keyId: string;
  workspaceId: string;
  workspaceSlug: string;
  scope: ApiScope;
};

const PREFIX = 'dial_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function scopeAllows(scope: ApiScope, needed: ApiScope): boolean {
  return scope === 'write' || scope === needed;
}

/** Creates a key and returns it in full: the only time it is ever shown. Only its hash is kept. */
export async function createApiKey(
  input: { workspaceId: string; name?: string; scope?: ApiScope },
  database?: Db,
): Promise<{ key: string; id: string; scope: ApiScope }> {
  const dbh = database ?? (await getDb());
  const key = `${PREFIX}${randomBytes(24).toString('base64url')}`;
  const row = await insertApiKey(dbh, {
    workspaceId: input.workspaceId,
    name: input.name ?? 'API key',
    prefix: key.slice(0, PREFIX.length + 6),
    hash: hashApiKey(key),
    scope: input.scope ?? 'write',
  });
  if (!row) throw new Error('API key was not stored');
  return { key, id: row.id, scope: row.scope };
}

export async function authenticateApiKey(
  key: string,
  database?: Db,
): Promise<ApiCaller | undefined> {
  if (!key.startsWith(PREFIX) || key.length > 200) return undefined;
  const dbh = database ?? (await getDb());
  const row = await findApiKeyByHash(dbh, hashApiKey(key));
  if (!row) return undefined;
  return {
    keyId: row.id,
    workspaceId: row.workspaceId,
    workspaceSlug: row.workspaceSlug,
    scope: row.scope,
  };
}

export async function revokeKey(workspaceId: string, id: string, database?: Db): Promise<boolean> {
  const dbh = database ?? (await getDb());
  const rows = await revokeApiKey(dbh, workspaceId, id);
  return rows.length > 0;
}
