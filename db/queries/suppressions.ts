import { and, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { type Channel, suppressions } from '../schema';

/**
 * The suppression list: keyed hashes of addresses that may not be re-added (erasure). Only
 * hashes are stored; domain/suppression.ts computes them.
 */

export type NewSuppression = typeof suppressions.$inferInsert;

/** Adds entries; one already listed stays as it was (its first reason and key version). */
export async function insertSuppressions(database: DbOrTx, rows: NewSuppression[]) {
  if (rows.length === 0) return;
  await database.insert(suppressions).values(rows).onConflictDoNothing();
}

/** The listed entries among the candidates: one query whatever their number. */
export function findSuppressions(
  database: DbOrTx,
  input: { workspaceId: string; candidates: { channel: Channel; addressHash: string }[] },
) {
  const byChannel = new Map<Channel, string[]>();
  for (const c of input.candidates) {
    byChannel.set(c.channel, [...(byChannel.get(c.channel) ?? []), c.addressHash]);
  }
  const matches: SQL[] = [];
  for (const [channel, hashes] of byChannel) {
    matches.push(
      and(eq(suppressions.channel, channel), inArray(suppressions.addressHash, hashes)) as SQL,
    );
  }
  if (matches.length === 0) return Promise.resolve([]);
  return database
    .select({
      channel: suppressions.channel,
      addressHash: suppressions.addressHash,
      keyVersion: suppressions.keyVersion,
      reason: suppressions.reason,
    })
    .from(suppressions)
    .where(and(eq(suppressions.workspaceId, input.workspaceId), or(...matches)));
}
