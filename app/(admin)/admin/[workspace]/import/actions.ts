'use server';

import { revalidatePath } from 'next/cache';
import { previewImportCommand, startImportCommand } from '@/domain/imports';
import { adminAction } from '../../admin-action';

/**
 * The import page's server actions (the upload itself is a route handler: files exceed the
 * actions' body limit). Both through the admin action wrapper: editor or owner, then the schema.
 */

export const previewImportAction = adminAction(
  previewImportCommand.spec,
  async (input, context) => {
    const preview = await previewImportCommand.run(input, context);
    revalidatePath(`/admin/${context.workspace.slug}/import/${input.importId}`);
    return preview;
  },
);

export const startImportAction = adminAction(startImportCommand.spec, async (input, context) => {
  const started = await startImportCommand.run(input, context);
  revalidatePath(`/admin/${context.workspace.slug}/import`, 'layout');
  return started;
});
