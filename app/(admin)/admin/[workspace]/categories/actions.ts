'use server';

import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import type { AdminActionContext } from '@/domain/admin-actions';
import {
  archiveCategoryCommand,
  createCategoryCommand,
  moveCategoryCommand,
  updateCategoryCommand,
} from '@/domain/admin-categories';
import { adminAction } from '../../admin-action';

/**
 * The category pages' server actions: `(workspaceSlug, input)`, each through the admin action
 * wrapper (guard, then the form's schema) and a command of domain/admin-categories.ts, which
 * writes the change and its audit entry in one transaction.
 */

function withRefresh<S extends z.ZodType, T>(command: {
  spec: { schema: S; role: 'editor' };
  run: (input: z.output<S>, context: AdminActionContext) => Promise<T>;
}) {
  return adminAction(command.spec, async (input, context) => {
    const result = await command.run(input, context);
    revalidatePath(`/admin/${context.workspace.slug}/categories`, 'layout');
    return result;
  });
}

export const createCategoryAction = withRefresh(createCategoryCommand);
export const updateCategoryAction = withRefresh(updateCategoryCommand);
export const archiveCategoryAction = withRefresh(archiveCategoryCommand);
export const moveCategoryAction = withRefresh(moveCategoryCommand);
