import { z } from 'zod';
import type { WebhookEvent } from '@/db/schema';

/**
 * The webhook forms' schemas, shared by the admin console's forms (react-hook-form) and the
 * server actions. Only zod and pure data here: the browser loads this module. Whether a URL may
 * be reached (the SSRF rule) needs the DNS, so the server decides that after the schema.
 */

// The same list as db/schema.ts's WEBHOOK_EVENTS (`satisfies` keeps it in step with its type
// without pulling drizzle into the browser; the test compares the two).
export const WEBHOOK_EVENT_TYPES = [
  'consent.changed',
  'subscriber.erased',
  'feedback.received',
] as const satisfies WebhookEvent[];

export const WEBHOOK_EVENT_WORDS: Record<WebhookEvent, { label: string; explain: string }> = {
  'consent.changed': {
    label: 'Consent changed',
    explain: 'Someone opted in, opted out, opted down, paused or changed a frequency.',
  },
  'subscriber.erased': {
    label: 'Subscriber erased',
    explain: 'A person’s data was erased at their request; remove them from your systems too.',
  },
  'feedback.received': {
    label: 'Feedback received',
    explain: 'Someone who opted out told you why.',
  },
};

export const webhookCreateSchema = z.object({
  url: z
    .string()
    .trim()
    .min(1, 'Enter the address your system receives webhooks at.')
    .max(2000, 'That address is too long.')
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'https:' || url.protocol === 'http:';
      } catch {
        return false;
      }
    }, 'Enter a full web address starting with https://, like https://example.com/dial-webhooks.'),
  events: z
    .array(z.enum(WEBHOOK_EVENT_TYPES), { message: 'Choose at least one event.' })
    .min(1, 'Choose at least one event.'),
});
export type WebhookCreateInput = z.infer<typeof webhookCreateSchema>;

export const webhookEndpointSchema = z.object({
  endpointId: z.uuid('No such webhook endpoint.'),
});
export type WebhookEndpointInput = z.infer<typeof webhookEndpointSchema>;

export const webhookRetrySchema = z.object({
  deliveryId: z.uuid('No such webhook delivery.'),
});
export type WebhookRetryInput = z.infer<typeof webhookRetrySchema>;
