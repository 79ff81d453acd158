import { createHmac } from 'node:crypto';
import { type DbOrTx, db as getDb } from '@/db/client';
import { findSuppressions, type NewSuppression } from '@/db/queries/suppressions';
import type { Channel } from '@/db/schema';
import { config } from '@/platform/config';

/**
 * The suppression list (DESIGN.md rule 7): an erased person's address is kept only as a keyed
 * hash, so an import or an unconfirmed signup of it can be recognised without Dial keeping the
 * address. The key is dedicated to this purpose and versioned, derived from DIAL_SECRET.
 */

/** The version new entries are written with. */
export const SUPPRESSION_KEY_VERSION = 1;
/** Every version still matched on lookup; a new key adds to this list and never removes. */
const KEY_VERSIONS = [1] as const;

export type SuppressionChannel = Extract<Channel, 'email' | 'sms'>;

/**
 * How version 1 normalises an address before hashing: emails trimmed and lower-cased (as
 * `normalizeEmail` stores them today), phones without spaces, dots, dashes or brackets (E.164 as
 * `phoneSchema` stores them). Frozen with the version: were it to change, every stored hash of
 * that version would stop matching, so a new normalisation needs a new key version.
 */
export function normalizeSuppressedAddress(address: string): string {
  const trimmed = address.trim();
  if (trimmed.includes('@')) return trimmed.toLowerCase();
  return trimmed.replace(/[\s().-]/g, '');
}

export function suppressionChannel(address: string): SuppressionChannel {
  return address.includes('@') ? 'email' : 'sms';
}

function suppressionKey(version: number): Buffer {
  if (!KEY_VERSIONS.includes(version as (typeof KEY_VERSIONS)[number])) {
    throw new RangeError(`Unknown suppression key version: ${version}`);
  }
  return createHmac('sha256', config().secret).update(`dial-suppression-key-v${version}`).digest();
}

/**
 * HMAC-SHA256 of the normalised address under the versioned suppression key. The workspace is
 * part of the message, so the same person's entries in two workspaces cannot be matched with
 * each other (rule 8), e.g. by comparing two businesses' suppression exports.
 */
export function suppressionHash(
  workspaceId: string,
  address: string,
  version: number = SUPPRESSION_KEY_VERSION,
): string {
  return createHmac('sha256', suppressionKey(version))
    .update(`${workspaceId.toLowerCase()}\n${normalizeSuppressedAddress(address)}`)
    .digest('hex');
}

export type Addresses = { email?: string | null; phone?: string | null };

function addressList(addresses: Addresses): string[] {
  return [addresses.email, addresses.phone].filter((a): a is string => !!a && a.trim() !== '');
}

/** The rows that put these addresses on the list, with the current key version. */
export function suppressionEntries(
  workspaceId: string,
  addresses: Addresses,
  reason: string,
): NewSuppression[] {
  return addressList(addresses).map((address) => ({
    workspaceId,
    channel: suppressionChannel(address),
    addressHash: suppressionHash(workspaceId, address),
    keyVersion: SUPPRESSION_KEY_VERSION,
    reason,
  }));
}

/** Why any of the addresses is on the workspace's suppression list (under any key version). */
export async function suppressionReasons(
  workspaceId: string,
  addresses: Addresses,
  database?: DbOrTx,
): Promise<string[]> {
  const candidates = addressList(addresses).flatMap((address) =>
    KEY_VERSIONS.map((version) => ({
      channel: suppressionChannel(address),
      addressHash: suppressionHash(workspaceId, address, version),
    })),
  );
  if (candidates.length === 0) return [];
  const dbh = database ?? (await getDb());
  const found = await findSuppressions(dbh, { workspaceId, candidates });
  return [...new Set(found.map((row) => row.reason))];
}

/** Whether any of the addresses is on the workspace's suppression list, under any key version. */
export async function isSuppressed(
  workspaceId: string,
  addresses: Addresses,
  database?: DbOrTx,
): Promise<boolean> {
  return (await suppressionReasons(workspaceId, addresses, database)).length > 0;
}
