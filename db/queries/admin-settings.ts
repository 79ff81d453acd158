import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { type NewWorkspace, workspaces } from '../schema';

/** The admin console's workspace settings queries; each one names its workspace by id. */

/** What the settings page shows: never the Twilio auth token itself, only whether it is set. */
export function findWorkspaceSettings(database: DbOrTx, workspaceId: string) {
  return database
    .select({
      id: workspaces.id,
      slug: workspaces.slug,
      name: workspaces.name,
      settings: workspaces.settings,
      smsNumber: workspaces.smsNumber,
      twilioAuthTokenSet: sql<boolean>`${workspaces.twilioAuthToken} is not null`,
    })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId))
    .limit(1)
    .then((rows) => rows[0]);
}

/**
 * The workspace row, locked for the rest of the transaction: two admins saving different
 * sections at once each merge into what the other wrote, instead of overwriting it.
 */
export function lockWorkspaceSettings(database: DbOrTx, workspaceId: string) {
  return database
    .select({
      id: workspaces.id,
      name: workspaces.name,
      settings: workspaces.settings,
      smsNumber: workspaces.smsNumber,
      twilioAuthTokenSet: sql<boolean>`${workspaces.twilioAuthToken} is not null`,
    })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId))
    .for('update')
    .limit(1)
    .then((rows) => rows[0]);
}

export function writeWorkspaceSettings(
  database: DbOrTx,
  workspaceId: string,
  values: Partial<Pick<NewWorkspace, 'name' | 'settings' | 'twilioAuthToken' | 'smsNumber'>>,
) {
  return database
    .update(workspaces)
    .set(values)
    .where(eq(workspaces.id, workspaceId))
    .returning({ id: workspaces.id });
}
