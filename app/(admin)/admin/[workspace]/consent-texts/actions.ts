'use server';

import { revalidatePath } from 'next/cache';
import {
  createConsentTextCommand,
  writeConsentTextVersionCommand,
} from '@/domain/admin-consent-texts';
import { adminAction } from '../../admin-action';

/**
 * The consent text pages' server actions: `(workspaceSlug, input)`, each through the admin action
 * wrapper (guard, then the form's schema) and a command of domain/admin-consent-texts.ts, which
 * inserts the version and its audit entry in one transaction. Nothing here updates or deletes.
 */

export const createConsentTextAction = adminAction(
  createConsentTextCommand.spec,
  async (input, context) => {
    const result = await createConsentTextCommand.run(input, context);
    revalidatePath(`/admin/${context.workspace.slug}/consent-texts`, 'layout');
    return result;
  },
);

export const writeConsentTextVersionAction = adminAction(
  writeConsentTextVersionCommand.spec,
  async (input, context) => {
    const result = await writeConsentTextVersionCommand.run(input, context);
    revalidatePath(`/admin/${context.workspace.slug}/consent-texts`, 'layout');
    return result;
  },
);
