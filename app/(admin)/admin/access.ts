import { notFound, redirect } from 'next/navigation';
import type { AdminRole } from '@/db/schema';
import {
  type AdminAccess,
  AdminAccessError,
  requireAdmin,
  requireSignedInAdmin,
  type SignedInAdmin,
} from '@/domain/admin-guard';
import { adminSession } from '../auth';

/**
 * The guard as pages use it: no session sends the visitor to sign in, a workspace that is not
 * theirs is a 404 (as if it did not exist), and a page their role does not reach sends them to
 * the workspace's home (which every member may see) with a notice that says so. Server actions
 * and route handlers call `requireAdmin` themselves and answer 401/403/404 instead.
 */

export const SIGN_IN_PATH = '/admin/sign-in';

export async function pageAdmin(): Promise<SignedInAdmin> {
  try {
    return await requireSignedInAdmin(await adminSession());
  } catch (error) {
    if (error instanceof AdminAccessError) redirect(SIGN_IN_PATH);
    throw error;
  }
}

export async function pageAccess(
  workspaceSlug: string,
  minimumRole: AdminRole,
): Promise<AdminAccess> {
  try {
    return await requireAdmin(await adminSession(), workspaceSlug, minimumRole);
  } catch (error) {
    if (!(error instanceof AdminAccessError)) throw error;
    if (error.code === 'unauthenticated') redirect(SIGN_IN_PATH);
    if (error.code === 'not_found') notFound();
    redirect(`/admin/${encodeURIComponent(workspaceSlug)}?needs=${minimumRole}`);
  }
}
