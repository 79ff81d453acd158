import { z } from 'zod';
import { type Db, db as getDb } from '@/db/client';
import { findWorkspaceBySlug, insertWorkspace, updateWorkspace } from '@/db/queries/workspaces';
import type { Channel, Workspace, WorkspaceSettings } from '@/db/schema';
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

// --- the workspace's policies, where Dial acts --------------------------------------------------

type PolicySource = Pick<Workspace, 'settings'>;

/**
 * Whether a signup on this channel waits for the person's confirmation: when the form asks for
 * it, or when the workspace's policy does for every form (Settings > Policies). A form can add
 * double opt-in, never take away the workspace's.
 */
export function requiresDoubleOptIn(
  workspace: PolicySource,
  formDoubleOptIn: Partial<Record<Channel, boolean>> | null | undefined,
  channel: Channel,
): boolean {
  return (
    formDoubleOptIn?.[channel] === true ||
    workspace.settings.policies?.doubleOptIn?.[channel] === true
  );
}

/** Whether Dial mails a confirmation after an opt-out (on unless the workspace turned it off). */
export function sendsConfirmationMessages(workspace: PolicySource): boolean {
  return workspace.settings.policies?.confirmationMessages !== false;
}

/** Whether Dial asks the optional "why?" after an opt-out, on the page and in the mail. */
export function asksFeedbackQuestion(workspace: PolicySource): boolean {
  return workspace.settings.policies?.feedbackQuestion !== false;
}
