import { and, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { mailbox } from '../schema';

/**
 * The dev mailbox: what Dial would have sent while SMTP_URL is unset. Its rows hold personal
 * data (the recipient, the mail's links), so erasure deletes them by recipient.
 */

export type NewDevMail = typeof mailbox.$inferInsert;

/** Inserts one mail; a row with the same id (the same job run again) is left as it is. */
export function insertDevMail(database: DbOrTx, values: NewDevMail) {
  return database
    .insert(mailbox)
    .values(values)
    .onConflictDoNothing({ target: mailbox.id })
    .returning({ id: mailbox.id })
    .then((rows) => rows[0]);
}

/** Newest first, without the bodies: what the list page shows. */
export function listDevMails(database: DbOrTx, input: { limit: number }) {
  return database
    .select({
      id: mailbox.id,
      workspaceId: mailbox.workspaceId,
      to: mailbox.to,
      from: mailbox.from,
      subject: mailbox.subject,
      createdAt: mailbox.createdAt,
    })
    .from(mailbox)
    .orderBy(desc(mailbox.createdAt), desc(mailbox.id))
    .limit(input.limit);
}

export function findDevMail(database: DbOrTx, id: string) {
  return database
    .select()
    .from(mailbox)
    .where(eq(mailbox.id, id))
    .limit(1)
    .then((rows) => rows[0]);
}

/**
 * Every copy this workspace sent to this address (erasure). Addresses are stored trimmed and
 * lower-cased, as subscribers' are, so the index on `to` serves the match.
 */
export function deleteDevMailsTo(
  database: DbOrTx,
  input: { workspaceId: string; address: string },
) {
  return database
    .delete(mailbox)
    .where(
      and(
        eq(mailbox.workspaceId, input.workspaceId),
        eq(mailbox.to, input.address.trim().toLowerCase()),
      ),
    )
    .returning({ id: mailbox.id });
}
