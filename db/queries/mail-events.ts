import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { idempotencyKeys, type MailEventSettings, subscribers, workspaces } from '../schema';

/** Bounce and complaint webhooks: their settings, their de-duplication, their subscribers. */

/**
 * Merges into `settings.mailEvents` in one statement, so two configure calls at once (or one
 * beside an edit of another setting) cannot overwrite each other's keys.
 */
export async function mergeMailEventSettings(
  database: DbOrTx,
  workspaceId: string,
  patch: MailEventSettings,
) {
  const [row] = await database
    .update(workspaces)
    .set({
      settings: sql`jsonb_set(coalesce(${workspaces.settings}, '{}'::jsonb), '{mailEvents}',
        coalesce(${workspaces.settings} -> 'mailEvents', '{}'::jsonb) || ${JSON.stringify(patch)}::jsonb)`,
    })
    .where(eq(workspaces.id, workspaceId))
    .returning({ settings: workspaces.settings });
  return row;
}

/**
 * Claims each provider event's key once per workspace, in the caller's transaction; answers the
 * keys that were new. A concurrent delivery of the same event waits on the key's row and then
 * finds it taken, so the event is applied once.
 */
export async function claimEventKeys(
  database: DbOrTx,
  workspaceId: string,
  keys: { key: string; requestHash: string }[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await database
    .insert(idempotencyKeys)
    .values(
      keys.map((k) => ({
        workspaceId,
        key: k.key,
        requestHash: k.requestHash,
        state: 'done' as const,
        responseStatus: 200,
      })),
    )
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return new Set(rows.map((r) => r.key));
}

/** The workspace's subscribers with these (normalised) addresses, in one query. */
export function findSubscribersByEmails(database: DbOrTx, workspaceId: string, emails: string[]) {
  if (emails.length === 0) return Promise.resolve([]);
  return database
    .select({ id: subscribers.id, email: subscribers.email })
    .from(subscribers)
    .where(
      and(
        eq(subscribers.workspaceId, workspaceId),
        inArray(subscribers.email, emails),
        isNull(subscribers.erasedAt),
      ),
    );
}
