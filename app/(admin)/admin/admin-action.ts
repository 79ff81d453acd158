import { headers } from 'next/headers';
import type { z } from 'zod';
import type { AdminRole } from '@/db/schema';
import {
  type AdminActionContext,
  type AdminActionResult,
  runAdminAction,
} from '@/domain/admin-actions';
import { adminSession } from '../auth';

/**
 * Defines an admin server action: `(workspaceSlug, input) => result`. The session and role are
 * checked on every call, against the database (never trusted from the form or the session), then
 * the input is parsed with the schema the form uses. In a 'use server' module:
 *
 *   export const renameWorkspaceAction = adminAction(
 *     { schema: renameSchema, role: 'editor' },
 *     async (input, { workspace, admin }) => ...,   // recordAudit(tx, ...) in its transaction
 *   );
 */
export function adminAction<S extends z.ZodType, T>(
  spec: { schema: S; role: AdminRole },
  run: (input: z.output<S>, context: AdminActionContext) => Promise<T>,
) {
  return async (workspaceSlug: string, input: unknown): Promise<AdminActionResult<T>> =>
    runAdminAction(
      {
        session: await adminSession(),
        workspaceSlug,
        input,
        ip: (await headers()).get('x-dial-remote-addr'),
      },
      spec,
      run,
    );
}
