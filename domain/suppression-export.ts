import { type Db, db as getDb } from '@/db/client';
import {
  type SuppressionReason,
  suppressedSubscribersPage,
  suppressionHashesPage,
} from '@/db/queries/suppression-export';
import type { Channel } from '@/db/schema';
import type { SuppressionChannel } from './suppression';

/**
 * The suppression list of a channel, for a sender to load into its own systems: everyone who
 * may not be sent marketing on that channel whatever the category, as a stream of pages.
 *
 * - Subscribers erased, globally opted out of the channel (or of every channel), or blocked by
 *   a STOP keyword on it: `{address, subscriberId, externalId, reason, since}`. `address` is the
 *   email for `email`, the phone for `sms` and `whatsapp`, null for `push` and once erased.
 * - The keyed hashes that erasure leaves on the list (rule 7): `{addressHash, keyVersion,
 *   reason, since}`. Phones are hashed once for SMS and WhatsApp, so both lists carry them.
 *
 * Not on the list, because they are preferences, not suppressions: an opt-out of one category,
 * a pause, a lower frequency, a pending double opt-in. Those are answered per send by the check.
 *
 * Each page is one query, read when the previous page has been written; the pages are not one
 * snapshot (a long export would otherwise hold a transaction, and on PGlite the only
 * connection, open for as long as the client reads), so a change made during the export may
 * or may not be in it.
 */

export type SuppressedSubscriber = {
  address: string | null;
  subscriberId: string;
  externalId: string | null;
  reason: SuppressionReason;
  since: string | null;
};

export type SuppressedHash = {
  addressHash: string;
  keyVersion: number;
  reason: string;
  since: string;
};

export type SuppressionEntry = SuppressedSubscriber | SuppressedHash;

export const SUPPRESSION_PAGE_SIZE = 5_000;

/** Which kind of address a channel sends to, as the suppression hashes are filed. */
export function hashChannelFor(channel: Channel): SuppressionChannel | null {
  if (channel === 'email') return 'email';
  if (channel === 'sms' || channel === 'whatsapp') return 'sms';
  return null;
}

export async function* suppressionPages(
  input: { workspaceId: string; channel: Channel; pageSize?: number },
  database?: Db,
): AsyncGenerator<SuppressionEntry[]> {
  const dbh = database ?? (await getDb());
  const limit = input.pageSize ?? SUPPRESSION_PAGE_SIZE;
  const { workspaceId, channel } = input;
  let after: string | null = null;
  for (;;) {
    const rows = await suppressedSubscribersPage(dbh, { workspaceId, channel, after, limit });
    if (rows.length > 0) {
      yield rows.map((r) => ({
        address: channel === 'email' ? r.email : channel === 'push' ? null : r.phone,
        subscriberId: r.id,
        externalId: r.externalId,
        reason: r.reason,
        since: r.since?.toISOString() ?? null,
      }));
    }
    if (rows.length < limit) break;
    after = rows[rows.length - 1]?.id ?? null;
  }
  const hashChannel = hashChannelFor(channel);
  if (!hashChannel) return;
  after = null;
  for (;;) {
    const rows = await suppressionHashesPage(dbh, {
      workspaceId,
      channel: hashChannel,
      after,
      limit,
    });
    if (rows.length > 0) {
      yield rows.map((r) => ({
        addressHash: r.addressHash,
        keyVersion: r.keyVersion,
        reason: r.reason,
        since: r.since.toISOString(),
      }));
    }
    if (rows.length < limit) break;
    after = rows[rows.length - 1]?.addressHash ?? null;
  }
}
