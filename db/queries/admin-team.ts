import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../client';
import { type AdminRole, admins, auditLog, memberships } from '../schema';

/** A workspace's team: its memberships with each admin's address and last sign-in there. */

export function listTeam(database: DbOrTx, workspaceId: string) {
  const lastSignIn = database
    .select({ at: sql<Date | string | null>`max(${auditLog.createdAt})`.as('at') })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.workspaceId, workspaceId),
        eq(auditLog.adminId, memberships.adminId),
        eq(auditLog.action, 'admin.sign_in'),
      ),
    );
  return database
    .select({
      adminId: admins.id,
      email: admins.email,
      name: admins.name,
      role: memberships.role,
      memberSince: memberships.createdAt,
      lastSignInAt: sql<Date | string | null>`(${lastSignIn})`,
    })
    .from(memberships)
    .innerJoin(admins, eq(admins.id, memberships.adminId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(admins.email));
}

/**
 * Every membership of the workspace, locked until the transaction ends: two owners changing
 * roles at once are serialised, so the "one owner at least" rule cannot be raced past.
 */
export function lockTeam(tx: Tx, workspaceId: string) {
  return tx
    .select({ adminId: memberships.adminId, role: memberships.role, email: admins.email })
    .from(memberships)
    .innerJoin(admins, eq(admins.id, memberships.adminId))
    .where(eq(memberships.workspaceId, workspaceId))
    .for('update', { of: memberships });
}

export function insertMembership(
  tx: Tx,
  values: { adminId: string; workspaceId: string; role: AdminRole },
) {
  return tx
    .insert(memberships)
    .values(values)
    .onConflictDoNothing({ target: [memberships.adminId, memberships.workspaceId] })
    .returning({ adminId: memberships.adminId })
    .then((rows) => rows[0]);
}

export function setMemberRole(
  tx: Tx,
  input: { workspaceId: string; adminId: string; role: AdminRole },
) {
  return tx
    .update(memberships)
    .set({ role: input.role })
    .where(
      and(eq(memberships.workspaceId, input.workspaceId), eq(memberships.adminId, input.adminId)),
    );
}

export function deleteMembership(tx: Tx, input: { workspaceId: string; adminId: string }) {
  return tx
    .delete(memberships)
    .where(
      and(eq(memberships.workspaceId, input.workspaceId), eq(memberships.adminId, input.adminId)),
    )
    .returning({ adminId: memberships.adminId })
    .then((rows) => rows[0]);
}
