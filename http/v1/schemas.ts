import { z } from 'zod';
import { CHANNELS, FREQUENCIES, WEBHOOK_EVENTS } from '@/db/schema';
import { MAX_SENDS_PER_REQUEST } from '@/domain/sends';
import { subscriberRefSchema, subscriberUpsertSchema } from '@/domain/subscribers';

/** The API's request shapes: validation and the OpenAPI document come from these. */

export const channelSchema = z.enum(CHANNELS);
export const frequencySchema = z.enum(FREQUENCIES);
export const categorySlugSchema = z.string().trim().min(1).max(64);

export { subscriberRefSchema, subscriberUpsertSchema };

const MAX_EVIDENCE_BYTES = 4096;

export const consentRequestSchema = z.strictObject({
  subscriber: subscriberRefSchema,
  changes: z
    .array(
      z.strictObject({
        category: categorySlugSchema,
        channel: channelSchema,
        status: z.enum(['subscribed', 'unsubscribed', 'pending']),
        frequency: frequencySchema.optional(),
      }),
    )
    .min(1)
    .max(100),
  evidence: z
    .record(z.string(), z.unknown())
    .refine((v) => Buffer.byteLength(JSON.stringify(v)) <= MAX_EVIDENCE_BYTES, {
      message: `evidence may be at most ${MAX_EVIDENCE_BYTES} bytes of JSON`,
    })
    .optional(),
});
export type ConsentRequest = z.infer<typeof consentRequestSchema>;

/** The sender's own id for a message: a send with one is recorded once per workspace. */
export const messageIdSchema = z.string().trim().min(1).max(255);

/** `record: true` records the send when (and only when) the answer is allowed. */
export const checkRequestSchema = z
  .strictObject({
    subscriber: subscriberRefSchema,
    category: categorySlugSchema,
    channel: channelSchema,
    record: z.boolean().optional(),
    messageId: messageIdSchema.optional(),
  })
  .refine((v) => v.record === true || v.messageId === undefined, {
    message: 'messageId names the send to record; give it with record: true',
    path: ['messageId'],
  });

/** Senders' clocks differ from Dial's: a send may be dated this far ahead, no further. */
const SEND_CLOCK_SKEW_MS = 5 * 60_000;

export const sendRequestSchema = z.strictObject({
  subscriber: subscriberRefSchema,
  category: categorySlugSchema,
  channel: channelSchema,
  sentAt: z.iso
    .datetime({ offset: true })
    // Written so a malformed date gets only the format's error.
    .refine((v) => !(Date.parse(v) > Date.now() + SEND_CLOCK_SKEW_MS), {
      message: 'sentAt is in the future',
    })
    .transform((v) => new Date(v))
    .optional(),
  messageId: messageIdSchema.optional(),
});

export const sendsBatchRequestSchema = z.strictObject({
  sends: z.array(sendRequestSchema).min(1).max(MAX_SENDS_PER_REQUEST),
});

/** One send, or up to 10,000 in `sends`. */
export const sendsRequestSchema = z.union([sendRequestSchema, sendsBatchRequestSchema]);

/** Without a category, the unsubscribe links cover every marketing category (on `channel`). */
export const linksRequestSchema = z.strictObject({
  subscriber: subscriberRefSchema,
  category: categorySlugSchema.optional(),
  channel: channelSchema.optional(),
});

export const eventsQuerySchema = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,9}$/, 'cursor must be a value from nextCursor')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

// --- Bulk check, bulk links, suppression export ----------------------------------------------

export const BULK_CHECK_MAX_REFERENCES = 2_000_000;
export const BULK_LINKS_MAX_REFERENCES = 100_000;

/**
 * The options of a bulk call: in the JSON body beside `subscribers`, or as query parameters
 * (the only place for them with an NDJSON body).
 */
export const bulkCheckParamsSchema = z.strictObject({
  category: categorySlugSchema,
  channel: channelSchema,
});

/** `null` says "none" explicitly, so a JSON body can state it before `subscribers` (streaming). */
export const bulkLinksParamsSchema = z.strictObject({
  category: categorySlugSchema.nullish(),
  channel: channelSchema.nullish(),
});

/** The JSON form, for the OpenAPI document; the body itself is read as a stream. */
export const bulkCheckRequestSchema = bulkCheckParamsSchema.extend({
  subscribers: z.array(subscriberRefSchema).max(BULK_CHECK_MAX_REFERENCES),
});

export const bulkLinksRequestSchema = bulkLinksParamsSchema.extend({
  subscribers: z.array(subscriberRefSchema).max(BULK_LINKS_MAX_REFERENCES),
});

export const suppressionsQuerySchema = z.object({
  channel: channelSchema,
  format: z.enum(['csv', 'ndjson']).default('ndjson'),
});

// --- Webhooks ---------------------------------------------------------------------------------

export const webhookEventSchema = z.enum(WEBHOOK_EVENTS);

/** Without `events`, every event type. Private and loopback targets are refused (SSRF). */
export const webhookCreateSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: 'url must be an absolute http or https URL' })
    .max(2048),
  events: z.array(webhookEventSchema).min(1).max(20).optional(),
});

export const webhookAttemptsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
