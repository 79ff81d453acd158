'use server';

import { revalidatePath } from 'next/cache';
import { createApiKeyCommand, revokeApiKeyCommand } from '@/domain/admin-api-keys';
import { adminAction } from '../../admin-action';

/**
 * The API keys page's server actions: `(workspaceSlug, input)`, owners only, each through the
 * admin action wrapper and a command of domain/admin-api-keys.ts (change and audit entry in one
 * transaction). The new key travels back in this answer only: never in a URL, a log or a cache.
 */

export const createApiKeyAction = adminAction(createApiKeyCommand.spec, async (input, context) => {
  const created = await createApiKeyCommand.run(input, context);
  revalidatePath(`/admin/${context.workspace.slug}/api-keys`);
  return created;
});

export const revokeApiKeyAction = adminAction(revokeApiKeyCommand.spec, async (input, context) => {
  const revoked = await revokeApiKeyCommand.run(input, context);
  revalidatePath(`/admin/${context.workspace.slug}/api-keys`);
  return revoked;
});
