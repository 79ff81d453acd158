import { createHash, randomBytes } from 'node:crypto';
import { type Db, type DbOrTx, db as getDb } from '@/db/client';
import { findApiKeyByHash, insertApiKey, revokeApiKey, touchApiKeys } from '@/db/queries/api-keys';

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
  return issueApiKey(database ?? (await getDb()), input);
}

/**
 * `createApiKey` inside a transaction the caller holds (the admin console writes the key and its
 * audit entry together). The full key is in the answer only; the row keeps its hash and prefix.
 */
export async function issueApiKey(
  database: DbOrTx,
  input: { workspaceId: string; name?: string; scope?: ApiScope },
): Promise<{ key: string; id: string; scope: ApiScope; prefix: string; name: string }> {
  const key = `${PREFIX}${randomBytes(24).toString('base64url')}`;
  const row = await insertApiKey(database, {
    workspaceId: input.workspaceId,
    name: input.name ?? 'API key',
    prefix: key.slice(0, PREFIX.length + 6),
    hash: hashApiKey(key),
    scope: input.scope ?? 'write',
  });
  if (!row) throw new Error('API key was not stored');
  return { key, id: row.id, scope: row.scope, prefix: row.prefix, name: row.name };
}

/**
 * Every API call authenticates, and the check path is the hottest there is: keys are cached in
 * memory for a few seconds. A revocation clears this process's cache at once; other instances
 * notice within CACHE_MS.
 */
const CACHE_MS = 10_000;
const CACHE_MAX = 10_000;
const CACHE = Symbol.for('dial.apiKeyCache');
const USAGE = Symbol.for('dial.apiKeyUsage');
const GENERATION = Symbol.for('dial.apiKeyCacheGeneration');
type Holder = {
  [CACHE]?: Map<string, { caller: ApiCaller | undefined; until: number }>;
  [USAGE]?: Map<string, Date>;
  /** Bumped by every clear: a lookup that began before a clear must not refill the cache. */
  [GENERATION]?: number;
};
const holder = globalThis as Holder;

/**
 * The caller of a key looked up within the last CACHE_MS, at once (no promise: the check path
 * makes as few as it can); undefined when the key must be looked up, or is unknown.
 */
export function knownApiCaller(key: string): ApiCaller | undefined {
  if (!key.startsWith(PREFIX) || key.length > 200) return undefined;
  const now = Date.now();
  const hit = holder[CACHE]?.get(hashApiKey(key));
  if (!hit?.caller || hit.until <= now) return undefined;
  noteUse(hit.caller, now);
  return hit.caller;
}

export async function authenticateApiKey(
  key: string,
  database?: Db,
): Promise<ApiCaller | undefined> {
  if (!key.startsWith(PREFIX) || key.length > 200) return undefined;
  const hash = hashApiKey(key);
  holder[CACHE] ??= new Map();
  const cache = holder[CACHE];
  const now = Date.now();
  const hit = cache.get(hash);
  let caller: ApiCaller | undefined;
  if (hit && hit.until > now) {
    caller = hit.caller;
  } else {
    const generation = holder[GENERATION] ?? 0;
    const dbh = database ?? (await getDb());
    const row = await findApiKeyByHash(dbh, hash);
    caller = row
      ? {
          keyId: row.id,
          workspaceId: row.workspaceId,
          workspaceSlug: row.workspaceSlug,
          scope: row.scope,
        }
      : undefined;
    // A revocation that committed while this lookup was reading cleared the cache: what this
    // lookup read may be from before it, so it answers this once and is not remembered.
    if ((holder[GENERATION] ?? 0) === generation) {
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(hash, { caller, until: now + CACHE_MS });
    }
  }
  if (caller) noteUse(caller, now);
  return caller;
}

/** Remembered here, written by flushKeyUsage at most once a minute: requests write nothing. */
function noteUse(caller: ApiCaller, now: number): void {
  holder[USAGE] ??= new Map();
  holder[USAGE].set(caller.keyId, new Date(now));
}

export function clearApiKeyCache(): void {
  holder[GENERATION] = (holder[GENERATION] ?? 0) + 1;
  holder[CACHE]?.clear();
}

/** Writes the keys' last use, one statement for all of them; the runtime calls it every minute. */
export async function flushKeyUsage(database?: Db): Promise<number> {
  const usage = holder[USAGE];
  if (!usage || usage.size === 0) return 0;
  const entries = [...usage];
  usage.clear();
  const dbh = database ?? (await getDb());
  await touchApiKeys(dbh, entries);
  return entries.length;
}

export async function revokeKey(workspaceId: string, id: string, database?: Db): Promise<boolean> {
  const dbh = database ?? (await getDb());
  const rows = await revokeApiKey(dbh, workspaceId, id);
  clearApiKeyCache();
  return rows.length > 0;
}
