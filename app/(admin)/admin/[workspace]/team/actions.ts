'use server';

import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import type { AdminActionContext } from '@/domain/admin-actions';
import {
  changeMemberRoleCommand,
  inviteMemberCommand,
  removeMemberCommand,
} from '@/domain/admin-team';
import { adminAction } from '../../admin-action';

/**
 * The team page's server actions: `(workspaceSlug, input)`, owners only, each through the admin
 * action wrapper and a command of domain/admin-team.ts (change and audit entry in one
 * transaction).
 */

function withRefresh<S extends z.ZodType, T>(command: {
  spec: { schema: S; role: 'owner' };
  run: (input: z.output<S>, context: AdminActionContext) => Promise<T>;
}) {
  return adminAction(command.spec, async (input, context) => {
    const result = await command.run(input, context);
    revalidatePath(`/admin/${context.workspace.slug}/team`);
    return result;
  });
}

export const inviteMemberAction = withRefresh(inviteMemberCommand);
export const changeMemberRoleAction = withRefresh(changeMemberRoleCommand);
export const removeMemberAction = withRefresh(removeMemberCommand);
