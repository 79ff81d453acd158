'use server';

import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import type { AdminRole } from '@/db/schema';
import type { AdminActionContext } from '@/domain/admin-actions';
import {
  previewMailTextCommand,
  resetMailTextCommand,
  saveBrandingSettingsCommand,
  saveGeneralSettingsCommand,
  saveLinkDomainSettingsCommand,
  saveLocaleSettingsCommand,
  saveMailTextCommand,
  savePolicySettingsCommand,
  saveSenderSettingsCommand,
  saveSmsSettingsCommand,
} from '@/domain/admin-settings';
import { adminAction } from '../../admin-action';

/**
 * The settings page's server actions: `(workspaceSlug, input)`, each through the admin action
 * wrapper (guard, then the section's schema) and a command of domain/admin-settings.ts, which
 * writes the change and its audit entry in one transaction. The whole workspace is refreshed:
 * its name is in every page's header.
 */

function withRefresh<S extends z.ZodType, T>(command: {
  spec: { schema: S; role: AdminRole };
  run: (input: z.output<S>, context: AdminActionContext) => Promise<T>;
}) {
  return adminAction(command.spec, async (input, context) => {
    const result = await command.run(input, context);
    revalidatePath(`/admin/${context.workspace.slug}`, 'layout');
    return result;
  });
}

export const saveGeneralSettingsAction = withRefresh(saveGeneralSettingsCommand);
export const saveBrandingSettingsAction = withRefresh(saveBrandingSettingsCommand);
export const saveSenderSettingsAction = withRefresh(saveSenderSettingsCommand);
export const saveLinkDomainSettingsAction = withRefresh(saveLinkDomainSettingsCommand);
export const saveLocaleSettingsAction = withRefresh(saveLocaleSettingsCommand);
export const savePolicySettingsAction = withRefresh(savePolicySettingsCommand);
export const saveSmsSettingsAction = withRefresh(saveSmsSettingsCommand);
export const saveMailTextAction = withRefresh(saveMailTextCommand);
export const resetMailTextAction = withRefresh(resetMailTextCommand);
/** Renders a draft; writes nothing, so nothing to refresh. */
export const previewMailTextAction = adminAction(
  previewMailTextCommand.spec,
  previewMailTextCommand.run,
);
