'use server';

import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import type { AdminActionContext } from '@/domain/admin-actions';
import {
  createWebhookCommand,
  deleteWebhookCommand,
  enableWebhookCommand,
  retryWebhookDeliveryCommand,
} from '@/domain/admin-webhooks';
import { adminAction } from '../../admin-action';

/**
 * The webhooks page's server actions: `(workspaceSlug, input)`, editors and owners, each through
 * the admin action wrapper and a command of domain/admin-webhooks.ts (change and audit entry in
 * one transaction). The signing secret travels back in the create answer only.
 */

function withRefresh<S extends z.ZodType, T>(command: {
  spec: { schema: S; role: 'editor' };
  run: (input: z.output<S>, context: AdminActionContext) => Promise<T>;
}) {
  return adminAction(command.spec, async (input, context) => {
    const result = await command.run(input, context);
    revalidatePath(`/admin/${context.workspace.slug}/webhooks`);
    return result;
  });
}

export const createWebhookAction = withRefresh(createWebhookCommand);
export const deleteWebhookAction = withRefresh(deleteWebhookCommand);
export const retryWebhookDeliveryAction = withRefresh(retryWebhookDeliveryCommand);
export const enableWebhookAction = withRefresh(enableWebhookCommand);
