import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../client';
import { type SigningKey, signingKeys, spentTokens, workspaces } from '../schema';

/**
 * Link-signing keys and spent single-use tokens. Only key ids and statuses live here: secrets are
 * derived from DIAL_SECRET (domain/tokens.ts). Every query is scoped by workspace, because a kid
 * alone names a key of any workspace.
 */

export type SigningKeyStatus = SigningKey['status'];
export type SigningKeyRow = Pick<SigningKey, 'kid' | 'status' | 'createdAt' | 'retiredAt'>;

/** Newest first, so the first active key is the one to sign with. */
export function listSigningKeys(database: DbOrTx, workspaceId: string): Promise<SigningKeyRow[]> {
  return database
    .select({
      kid: signingKeys.kid,
      status: signingKeys.status,
      createdAt: signingKeys.createdAt,
      retiredAt: signingKeys.retiredAt,
    })
    .from(signingKeys)
    .where(eq(signingKeys.workspaceId, workspaceId))
    .orderBy(desc(signingKeys.createdAt), desc(signingKeys.kid));
}

export async function insertSigningKey(
  database: DbOrTx,
  key: { kid: string; workspaceId: string; status: SigningKeyStatus },
): Promise<void> {
  await database.insert(signingKeys).values({
    kid: key.kid,
    workspaceId: key.workspaceId,
    status: key.status,
    retiredAt: key.status === 'active' ? null : sql`now()`,
  });
}

/**
 * Returns whether the workspace has that key. `retired_at` records when a key first stopped
 * signing; revoking a key that was already verify-only keeps the date it was rotated out.
 */
export async function setSigningKeyStatus(
  database: DbOrTx,
  key: { workspaceId: string; kid: string; status: SigningKeyStatus },
): Promise<boolean> {
  const rows = await database
    .update(signingKeys)
    .set({
      status: key.status,
      retiredAt: key.status === 'active' ? null : sql`coalesce(${signingKeys.retiredAt}, now())`,
    })
    .where(and(eq(signingKeys.workspaceId, key.workspaceId), eq(signingKeys.kid, key.kid)))
    .returning({ kid: signingKeys.kid });
  return rows.length > 0;
}

/** Turns every active key of the workspace verify-only (a rotation); returns their kids. */
export async function retireActiveSigningKeys(
  database: DbOrTx,
  workspaceId: string,
): Promise<string[]> {
  const rows = await database
    .update(signingKeys)
    .set({ status: 'verify_only', retiredAt: sql`coalesce(${signingKeys.retiredAt}, now())` })
    .where(and(eq(signingKeys.workspaceId, workspaceId), eq(signingKeys.status, 'active')))
    .returning({ kid: signingKeys.kid });
  return rows.map((r) => r.kid);
}

/**
 * Serialises key changes of one workspace (two concurrent "ensure" calls would otherwise both
 * create an active key). `no key update` does not block inserts that reference the workspace.
 * Returns false when the workspace does not exist.
 */
export async function lockWorkspaceKeys(tx: Tx, workspaceId: string): Promise<boolean> {
  const rows = await tx
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId))
    .for('no key update');
  return rows.length > 0;
}

/** True only for the call that recorded the jti: a single-use token is spent exactly once. */
export async function insertSpentToken(
  database: DbOrTx,
  token: { workspaceId: string; jti: string },
): Promise<boolean> {
  const rows = await database
    .insert(spentTokens)
    .values({ workspaceId: token.workspaceId, jti: token.jti })
    .onConflictDoNothing({ target: spentTokens.jti })
    .returning({ jti: spentTokens.jti });
  return rows.length > 0;
}
