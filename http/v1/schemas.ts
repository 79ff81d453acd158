import { z } from 'zod';
import { CHANNELS, FREQUENCIES } from '@/db/schema';
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

export const checkRequestSchema = z.strictObject({
  subscriber: subscriberRefSchema,
  category: categorySlugSchema,
  channel: channelSchema,
});

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
