import { z } from 'zod';

/**
 * The API key forms' schemas, shared by the admin console's forms (react-hook-form) and the
 * server actions. Only zod and pure data here: the browser loads this module.
 */

// The same list as domain/api-keys.ts's API_SCOPES (that module hashes with node:crypto, so the
// browser cannot load it; the test keeps the two in step).
export const API_KEY_SCOPES = ['read', 'check', 'write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Each scope in words a marketer can choose by. */
export const API_KEY_SCOPE_WORDS: Record<ApiKeyScope, { label: string; explain: string }> = {
  check: {
    label: 'Check before sending',
    explain:
      'Asks "may I send this?" for one person or a whole list, and makes unsubscribe and preference links. Changes nothing. Give this to the systems that send your messages.',
  },
  read: {
    label: 'Read only',
    explain:
      'Looks up subscribers, their consent history and the suppression list. Cannot check before a send or change anything. For reporting and exports.',
  },
  write: {
    label: 'Full access',
    explain:
      'Everything the other two can do, and also adds subscribers, records consent, erases people and manages webhooks. Only for your own back-end.',
  },
};

export const apiKeyCreateSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Give the key a name, like “Newsletter sender”.')
    .max(80, 'Keep the name under 80 characters.'),
  scope: z.enum(API_KEY_SCOPES, { message: 'Choose what the key may do.' }),
});
export type ApiKeyCreateInput = z.infer<typeof apiKeyCreateSchema>;

export const apiKeyRevokeSchema = z.object({
  keyId: z.uuid('No such API key.'),
});
export type ApiKeyRevokeInput = z.infer<typeof apiKeyRevokeSchema>;
