import { and, asc, eq, gt, isNull, lt } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { type AdminRole, adminSignInTokens, admins, memberships, workspaces } from '../schema';

export async function findAdminById(database: DbOrTx, id: string) {
  const [row] = await database
    .select({ id: admins.id, email: admins.email, name: admins.name })
    .from(admins)
    .where(eq(admins.id, id))
    .limit(1);
  return row;
}

export async function findAdminByEmail(database: DbOrTx, email: string) {
  const [row] = await database
    .select({ id: admins.id, email: admins.email })
    .from(admins)
    .where(eq(admins.email, email))
    .limit(1);
  return row;
}

/** The admin with this address, created if there is none; `created` tells which. */
export async function upsertAdmin(database: DbOrTx, email: string) {
  const [inserted] = await database
    .insert(admins)
    .values({ email })
    .onConflictDoNothing({ target: admins.email })
    .returning({ id: admins.id, email: admins.email });
  if (inserted) return { ...inserted, created: true };
  const existing = await findAdminByEmail(database, email);
  if (!existing) throw new Error('admins: the row that conflicted is gone');
  return { ...existing, created: false };
}

/** Sets the admin's role in the workspace; answers the role it had before, if any. */
export async function upsertMembership(
  database: DbOrTx,
  values: { adminId: string; workspaceId: string; role: AdminRole },
) {
  const [previous] = await database
    .select({ role: memberships.role })
    .from(memberships)
    .where(
      and(eq(memberships.adminId, values.adminId), eq(memberships.workspaceId, values.workspaceId)),
    )
    .for('update');
  await database
    .insert(memberships)
    .values(values)
    .onConflictDoUpdate({
      target: [memberships.adminId, memberships.workspaceId],
      set: { role: values.role },
    });
  return previous?.role;
}

/**
 * The admin and their membership of the workspace with this slug, in one read. `workspace` is
 * present only when the admin is a member: a caller cannot tell "no such workspace" from "not
 * yours".
 */
export async function findAdminAccess(database: DbOrTx, adminId: string, workspaceSlug: string) {
  const [row] = await database
    .select({
      adminId: admins.id,
      email: admins.email,
      name: admins.name,
      workspaceId: workspaces.id,
      workspaceSlug: workspaces.slug,
      workspaceName: workspaces.name,
      role: memberships.role,
    })
    .from(admins)
    .leftJoin(workspaces, eq(workspaces.slug, workspaceSlug))
    .leftJoin(
      memberships,
      and(eq(memberships.adminId, admins.id), eq(memberships.workspaceId, workspaces.id)),
    )
    .where(eq(admins.id, adminId))
    .limit(1);
  return row;
}

export function listAdminWorkspaces(database: DbOrTx, adminId: string) {
  return database
    .select({
      id: workspaces.id,
      slug: workspaces.slug,
      name: workspaces.name,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.adminId, adminId))
    .orderBy(asc(workspaces.name), asc(workspaces.slug));
}

export function listMembershipWorkspaceIds(database: DbOrTx, adminId: string) {
  return database
    .select({ workspaceId: memberships.workspaceId })
    .from(memberships)
    .where(eq(memberships.adminId, adminId));
}

export async function insertSignInToken(
  database: DbOrTx,
  values: { tokenHash: string; adminId: string; expiresAt: Date },
) {
  await database.insert(adminSignInTokens).values(values);
}

/**
 * Spends the token if it is unused and unexpired, in one statement: of two requests racing with
 * the same token, exactly one gets the admin id.
 */
export async function spendSignInToken(database: DbOrTx, tokenHash: string, now: Date) {
  const [row] = await database
    .update(adminSignInTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(adminSignInTokens.tokenHash, tokenHash),
        isNull(adminSignInTokens.usedAt),
        gt(adminSignInTokens.expiresAt, now),
      ),
    )
    .returning({ adminId: adminSignInTokens.adminId });
  return row;
}

export async function findSignInToken(database: DbOrTx, tokenHash: string) {
  const [row] = await database
    .select({
      adminId: adminSignInTokens.adminId,
      expiresAt: adminSignInTokens.expiresAt,
      usedAt: adminSignInTokens.usedAt,
    })
    .from(adminSignInTokens)
    .where(eq(adminSignInTokens.tokenHash, tokenHash))
    .limit(1);
  return row;
}

/** An admin's tokens that expired before `before`: useless, so not kept. */
export function deleteExpiredSignInTokens(database: DbOrTx, adminId: string, before: Date) {
  return database
    .delete(adminSignInTokens)
    .where(and(eq(adminSignInTokens.adminId, adminId), lt(adminSignInTokens.expiresAt, before)));
}
