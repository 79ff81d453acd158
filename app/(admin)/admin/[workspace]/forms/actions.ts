'use server';

import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import type { AdminActionContext } from '@/domain/admin-actions';
import { createFormCommand, updateFormCommand } from '@/domain/admin-forms';
import { adminAction } from '../../admin-action';

/**
 * The form pages' server actions: `(workspaceSlug, input)`, each through the admin action
 * wrapper (guard, then the editor's schema) and a command of domain/admin-forms.ts, which writes
 * the change and its audit entry in one transaction.
 */

function withRefresh<S extends z.ZodType, T>(command: {
  spec: { schema: S; role: 'editor' };
  run: (input: z.output<S>, context: AdminActionContext) => Promise<T>;
}) {
  return adminAction(command.spec, async (input, context) => {
    const result = await command.run(input, context);
    revalidatePath(`/admin/${context.workspace.slug}/forms`, 'layout');
    return result;
  });
}

export const createFormAction = withRefresh(createFormCommand);
export const updateFormAction = withRefresh(updateFormCommand);
