import { PgTransaction } from 'drizzle-orm/pg-core';
import { type DbOrTx, db as getDb } from '@/db/client';
import {
  insertSigningKey,
  insertSpentToken,
  listSigningKeys,
  lockWorkspaceKeys,
  retireActiveSigningKeys,
  setSigningKeyStatus,
} from '@/db/queries/signing-keys';
import { config } from '@/platform/config';
import {
  deriveSigningSecret,
  type Keyring,
  newKid,
  signToken,
  type TokenPurpose,
  type TokenSubject,
  unverifiedWorkspaceId,
  type VerifyResult,
  verifyToken,
} from './tokens';

/**
 * A workspace's link keys (DESIGN.md, "Signing key"): one active key signs, rotated keys verify
 * forever so links in old mail keep working, and a revoked (compromised) key verifies nothing.
 */

/**
 * Every link check would otherwise read signing_keys. Key changes in this process clear the cache
 * at once; on another instance a rotation or revocation takes effect within CACHE_TTL_MS. It lives
 * on globalThis so every module graph of the process (Next's layers, a custom server) shares it
 * and a revocation clears it for all of them.
 */
const CACHE_TTL_MS = 5_000;
/** Verification loads the keyring of whatever workspace a token names: bound the memory it takes. */
const CACHE_MAX_ENTRIES = 1_000;
const CACHE = Symbol.for('dial.signingKeyrings');
type Cached = { keyring: Keyring; until: number };
type Holder = { [CACHE]?: Map<string, Cached> };

function cache(): Map<string, Cached> {
  const holder = globalThis as Holder;
  holder[CACHE] ??= new Map();
  return holder[CACHE];
}

export function clearKeyringCache(workspaceId?: string): void {
  if (workspaceId === undefined) cache().clear();
  else cache().delete(workspaceId.toLowerCase());
}

/**
 * The workspace's keys with their derived secrets, newest first. Reads inside a transaction are
 * not cached: it may see a key that a rollback then takes away.
 */
export async function keyringFor(workspaceId: string, database?: DbOrTx): Promise<Keyring> {
  const id = workspaceId.toLowerCase();
  const entries = cache();
  const hit = entries.get(id);
  if (hit && hit.until > Date.now()) return hit.keyring;

  const rows = await listSigningKeys(database ?? (await getDb()), id);
  const root = config().secret;
  const keyring: Keyring = rows.map((row) => ({
    kid: row.kid,
    status: row.status,
    secret: deriveSigningSecret(root, id, row.kid),
  }));
  // An empty keyring is not kept, so tokens naming made-up workspaces cannot fill the cache.
  if (!(database instanceof PgTransaction) && keyring.length > 0) {
    entries.delete(id);
    if (entries.size >= CACHE_MAX_ENTRIES) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    entries.set(id, { keyring, until: Date.now() + CACHE_TTL_MS });
  }
  return keyring;
}

export class UnknownWorkspaceError extends Error {
  constructor(readonly workspaceId: string) {
    super(`Unknown workspace: ${workspaceId}`);
  }
}

/** Returns the workspace's active kid, creating the first key if it has none. */
export async function ensureSigningKey(workspaceId: string, database?: DbOrTx): Promise<string> {
  const dbh = database ?? (await getDb());
  const kid = await dbh.transaction(async (tx) => {
    if (!(await lockWorkspaceKeys(tx, workspaceId))) throw new UnknownWorkspaceError(workspaceId);
    const active = (await listSigningKeys(tx, workspaceId)).find((k) => k.status === 'active');
    if (active) return active.kid;
    const created = newKid();
    await insertSigningKey(tx, { kid: created, workspaceId, status: 'active' });
    return created;
  });
  clearKeyringCache(workspaceId);
  return kid;
}

/** The old active key becomes verify-only (forever); a new key signs from now on. */
export async function rotateSigningKey(workspaceId: string, database?: DbOrTx): Promise<string> {
  const dbh = database ?? (await getDb());
  const kid = await dbh.transaction(async (tx) => {
    if (!(await lockWorkspaceKeys(tx, workspaceId))) throw new UnknownWorkspaceError(workspaceId);
    await retireActiveSigningKeys(tx, workspaceId);
    const created = newKid();
    await insertSigningKey(tx, { kid: created, workspaceId, status: 'active' });
    return created;
  });
  clearKeyringCache(workspaceId);
  return kid;
}

/**
 * Refuses every link signed with the key from now on. Revoking the active key also puts a new
 * one in its place, so the workspace can still send links while its old ones are refused.
 */
export async function revokeSigningKey(
  workspaceId: string,
  kid: string,
  database?: DbOrTx,
): Promise<{ revoked: boolean; replacedBy: string | null }> {
  const dbh = database ?? (await getDb());
  const outcome = await dbh.transaction(async (tx) => {
    if (!(await lockWorkspaceKeys(tx, workspaceId))) throw new UnknownWorkspaceError(workspaceId);
    const keys = await listSigningKeys(tx, workspaceId);
    const key = keys.find((k) => k.kid === kid);
    if (!key) return { revoked: false, replacedBy: null };
    await setSigningKeyStatus(tx, { workspaceId, kid, status: 'revoked' });
    const stillActive = keys.some((k) => k.kid !== kid && k.status === 'active');
    if (key.status !== 'active' || stillActive) return { revoked: true, replacedBy: null };
    const created = newKid();
    await insertSigningKey(tx, { kid: created, workspaceId, status: 'active' });
    return { revoked: true, replacedBy: created };
  });
  clearKeyringCache(workspaceId);
  return outcome;
}

/** Lifetimes default to the configured ones (DIAL_PREFERENCES_LINK_DAYS, DIAL_UNDO_LINK_MINUTES). */
export type LinkRequest =
  | (TokenSubject & { purpose: 'unsubscribe' })
  | (TokenSubject & { purpose: 'preferences'; validForDays?: number })
  | (TokenSubject & { purpose: 'undo'; changeId: string; validForMinutes?: number });

/**
 * Signs a link token with the workspace's active key, creating the workspace's first key if it
 * has none yet, so a workspace made by any path can send links.
 */
export async function issueLink(
  request: LinkRequest,
  options: { now?: Date; database?: DbOrTx } = {},
): Promise<string> {
  let keyring = await keyringFor(request.workspaceId, options.database);
  if (!keyring.some((k) => k.status === 'active')) {
    await ensureSigningKey(request.workspaceId, options.database);
    keyring = await keyringFor(request.workspaceId, options.database);
  }
  const cfg = config();
  switch (request.purpose) {
    case 'unsubscribe':
      return signToken(keyring, request, options.now);
    case 'preferences':
      return signToken(
        keyring,
        { ...request, validForDays: request.validForDays ?? cfg.preferencesLinkDays },
        options.now,
      );
    case 'undo':
      return signToken(
        keyring,
        { ...request, validForMinutes: request.validForMinutes ?? cfg.undoLinkMinutes },
        options.now,
      );
  }
}

/**
 * Verifies a link token against its workspace's keys. Without `workspaceId` (a link whose URL
 * names no workspace) the token's own workspace is used; that is safe because each workspace's
 * secrets are derived from its id, so only that workspace's key can have signed it.
 */
export async function verifyLink(
  token: string | null | undefined,
  expected: {
    workspaceId?: string;
    purpose?: TokenPurpose | readonly TokenPurpose[];
    now?: Date;
  } = {},
  database?: DbOrTx,
): Promise<VerifyResult> {
  const named = unverifiedWorkspaceId(token);
  if (named === null) return { ok: false, reason: 'malformed' };
  if (expected.workspaceId !== undefined && expected.workspaceId.toLowerCase() !== named) {
    return { ok: false, reason: 'wrong_workspace' };
  }
  const keyring = await keyringFor(named, database);
  return verifyToken(keyring, token, {
    workspaceId: named,
    purpose: expected.purpose,
    now: expected.now,
  });
}

/**
 * Spends a single-use token (an undo link). True only for the call that spent it, so of two
 * concurrent clicks exactly one proceeds. Pass the transaction that acts on the token, so a
 * failure afterwards leaves the token unspent.
 */
export function spendToken(
  database: DbOrTx,
  token: { workspaceId: string; jti: string },
): Promise<boolean> {
  return insertSpentToken(database, token);
}
