import { z } from 'zod';
import type { AdminRole } from '@/db/schema';
import { signInRequestSchema } from './admin-validation';

/**
 * The team forms' schemas, shared by the admin console's forms (react-hook-form) and the server
 * actions. Only zod and pure data here: the browser loads this module.
 */

// The same list as db/schema.ts's ADMIN_ROLES, weakest first (the test compares the two).
export const TEAM_ROLES = ['viewer', 'editor', 'owner'] as const satisfies AdminRole[];

export const TEAM_ROLE_WORDS: Record<AdminRole, { label: string; explain: string }> = {
  viewer: {
    label: 'Viewer',
    explain: 'Sees everything in this workspace, changes nothing.',
  },
  editor: {
    label: 'Editor',
    explain:
      'Sets the workspace up: settings, categories, consent texts, forms, imports and webhooks.',
  },
  owner: {
    label: 'Owner',
    explain: 'Everything an editor can do, plus API keys and the team.',
  },
};

const roleSchema = z.enum(TEAM_ROLES, { message: 'Choose a role.' });

export const teamInviteSchema = z.object({
  email: signInRequestSchema.shape.email,
  role: roleSchema,
});
export type TeamInviteInput = z.infer<typeof teamInviteSchema>;

export const teamRoleSchema = z.object({
  adminId: z.uuid('No such team member.'),
  role: roleSchema,
});
export type TeamRoleInput = z.infer<typeof teamRoleSchema>;

export const teamRemoveSchema = z.object({
  adminId: z.uuid('No such team member.'),
});
export type TeamRemoveInput = z.infer<typeof teamRemoveSchema>;
