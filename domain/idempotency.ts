import { type Db, type DbOrTx, db as getDb } from '@/db/client';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyKey,
  releaseIdempotencyKey,
  retakeStaleIdempotencyKey,
} from '@/db/queries/idempotency';
import { DomainError } from './errors';
import { canonicalJson, sha256Hex } from './ledger';

/**
 * Idempotency-Key for API writes (rule 5): the same key and body replays the first answer; the
 * same key with another body is refused (422); a first request still running answers 409.
 */

/** A claim older than this is from a process that died mid-request and may be taken over. */
const STALE_MS = 60_000;

export type Claim = { kind: 'claimed' } | { kind: 'replay'; status: number; body: unknown };

export function requestHash(path: string, body: unknown): string {
  return sha256Hex(`${path}\n${canonicalJson(body)}`);
}

export async function claim(
  input: { workspaceId: string; key: string; requestHash: string },
  database?: Db,
): Promise<Claim> {
  const dbh = database ?? (await getDb());
  if (await claimIdempotencyKey(dbh, input)) return { kind: 'claimed' };
  const row = await findIdempotencyKey(dbh, input.workspaceId, input.key);
  if (!row) return claim(input, dbh); // Released between our insert and read: try again.
  if (row.requestHash !== input.requestHash) {
    throw new DomainError(
      'idempotency_mismatch',
      'This Idempotency-Key was used with a different request body.',
    );
  }
  if (row.state === 'done')
    return { kind: 'replay', status: row.responseStatus ?? 200, body: row.responseBody };
  if (
    await retakeStaleIdempotencyKey(
      dbh,
      input.workspaceId,
      input.key,
      new Date(Date.now() - STALE_MS),
    )
  ) {
    return { kind: 'claimed' };
  }
  throw new DomainError(
    'idempotency_in_progress',
    'A request with this Idempotency-Key is still running; retry shortly.',
  );
}

/** Records the answer; called inside the transaction that made the change, so both commit together. */
export function complete(
  database: DbOrTx,
  input: { workspaceId: string; key: string; status: number; body: unknown },
) {
  return completeIdempotencyKey(database, input);
}

/** Frees the key after a failure that changed nothing, so the client may retry. */
export async function release(
  input: { workspaceId: string; key: string },
  database?: Db,
): Promise<void> {
  const dbh = database ?? (await getDb());
  await releaseIdempotencyKey(dbh, input.workspaceId, input.key);
}

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
