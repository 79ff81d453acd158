import { type Db, db as getDb } from '@/db/client';
import { findAdminAccess, findAdminById } from '@/db/queries/admins';
import { ADMIN_ROLES, type AdminRole } from '@/db/schema';

/**
 * Who may do what in the admin console. The session says only who is signed in (an admin id);
 * the role is read from the database on every call, so a changed or removed membership takes
 * effect on the next action, not at the next sign-in. Every page, server action and route of
 * /admin calls this itself: the proxy may redirect, but it is not a gate.
 */

export type AdminSession = { adminId: string } | null | undefined;

export type AdminAccessCode = 'unauthenticated' | 'forbidden' | 'not_found';

const STATUS: Record<AdminAccessCode, 401 | 403 | 404> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
};

export class AdminAccessError extends Error {
  constructor(
    readonly code: AdminAccessCode,
    message: string,
  ) {
    super(message);
    this.name = 'AdminAccessError';
  }

  get status(): 401 | 403 | 404 {
    return STATUS[this.code];
  }
}

/** viewer < editor < owner. */
export function roleAtLeast(role: AdminRole, minimum: AdminRole): boolean {
  return ADMIN_ROLES.indexOf(role) >= ADMIN_ROLES.indexOf(minimum);
}

export type SignedInAdmin = { id: string; email: string; name: string | null };

export type AdminAccess = {
  admin: SignedInAdmin;
  workspace: { id: string; slug: string; name: string };
  role: AdminRole;
};

/** The signed-in admin, whatever workspace; 401 without a session or once the admin is gone. */
export async function requireSignedInAdmin(
  session: AdminSession,
  database?: Db,
): Promise<SignedInAdmin> {
  if (!session?.adminId) throw new AdminAccessError('unauthenticated', 'Sign in first.');
  const dbh = database ?? (await getDb());
  const admin = UUID.test(session.adminId) ? await findAdminById(dbh, session.adminId) : undefined;
  if (!admin) throw new AdminAccessError('unauthenticated', 'Sign in first.');
  return admin;
}

/**
 * The admin's access to one workspace, at least `minimumRole`. Throws 401 without a session,
 * 404 when the admin is not a member (the same answer as for a workspace that does not exist:
 * nobody learns which slugs are taken), 403 when the role is too low.
 */
export async function requireAdmin(
  session: AdminSession,
  workspaceSlug: string,
  minimumRole: AdminRole,
  database?: Db,
): Promise<AdminAccess> {
  if (!session?.adminId) throw new AdminAccessError('unauthenticated', 'Sign in first.');
  const dbh = database ?? (await getDb());
  const row = UUID.test(session.adminId)
    ? await findAdminAccess(dbh, session.adminId, workspaceSlug)
    : undefined;
  if (!row) throw new AdminAccessError('unauthenticated', 'Sign in first.');
  if (!row.role || !row.workspaceId || !row.workspaceSlug || !row.workspaceName)
    throw new AdminAccessError('not_found', 'No such workspace.');
  if (!roleAtLeast(row.role, minimumRole))
    throw new AdminAccessError(
      'forbidden',
      `This needs the ${minimumRole} role; you are ${article(row.role)} ${row.role}.`,
    );
  return {
    admin: { id: row.adminId, email: row.email, name: row.name },
    workspace: { id: row.workspaceId, slug: row.workspaceSlug, name: row.workspaceName },
    role: row.role,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function article(role: AdminRole): string {
  return role === 'owner' || role === 'editor' ? 'an' : 'a';
}
