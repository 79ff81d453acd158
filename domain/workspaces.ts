import { z } from 'zod';
import { type Db, db as getDb } from '@/db/client';
import { findWorkspaceBySlug, insertWorkspace, updateWorkspace } from '@/db/queries/workspaces';
import type { Workspace, WorkspaceSettings } from '@/db/schema';
import { DomainError } from './errors';
import { ensureSigningKey } from './signing-keys';
import { isUniqueViolation, phoneSchema } from './subscribers';

export const workspaceSlugSchema = z
  .string()
  .trim()
  .min(2)
  .max(48)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'Use lower-case letters, digits and dashes');

export const workspaceCreateSchema = z.object({
  slug: workspaceSlugSchema,
  name: z.string().trim().min(1).max(120),
  settings: z.custom<WorkspaceSettings>().optional(),
});

export async function createWorkspace(
  input: z.input<typeof workspaceCreateSchema>,
  database?: Db,
): Promise<Workspace> {
  const dbh = database ?? (await getDb());
  const values = workspaceCreateSchema.parse(input);
  let workspace: Workspace;
  try {
    workspace = await insertWorkspace(dbh, {
      slug: values.slug,
      name: values.name,
      settings: values.settings ?? defaultSettings(values.name),
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new DomainError('conflict', `A workspace "${values.slug}" already exists.`);
    throw error;
  }
  await ensureSigningKey(workspace.id, dbh);
  return workspace;
}

export function defaultSettings(name: string): WorkspaceSettings {
  return {
    senderName: name,
    locales: ['en', 'es', 'fr', 'de'],
    defaultLocale: 'en',
    policies: {
      doubleOptIn: { email: true, sms: true, whatsapp: true },
      confirmationMessages: true,
      feedbackQuestion: true,
    },
  };
}

export async function requireWorkspace(slug: string, database?: Db): Promise<Workspace> {
  const dbh = database ?? (await getDb());
  const workspace = await findWorkspaceBySlug(dbh, slug);
  if (!workspace) throw new DomainError('not_found', `No workspace "${slug}".`);
  return workspace;
}

export const workspaceConfigureSchema = z.object({
  twilioAuthToken: z.string().trim().min(8).max(200).optional(),
  smsNumber: phoneSchema.optional(),
});

export async function configureWorkspace(
  slug: string,
  input: z.input<typeof workspaceConfigureSchema>,
  database?: Db,
): Promise<Workspace> {
  const dbh = database ?? (await getDb());
  const values = workspaceConfigureSchema.parse(input);
  const workspace = await requireWorkspace(slug, dbh);
  const updated = await updateWorkspace(dbh, workspace.id, values);
  if (!updated) throw new DomainError('not_found', `No workspace "${slug}".`);
  return updated;
}
