import { EventWebhook } from '@sendgrid/eventwebhook';
import { z } from 'zod';
import { sha256Hex } from '../ledger';
import type { MailEvent } from '../mail-events';

/**
 * SendGrid's signed Event Webhook: ECDSA P-256 over the timestamp header followed by the raw
 * body, checked with SendGrid's own verifier and the workspace's verification key. A timestamp
 * more than ten minutes away from now is refused, so a captured delivery cannot be replayed.
 */

export const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';
export const MAX_SKEW_MS = 10 * 60_000;

export type SendgridVerdict =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'stale' | 'signature' };

export function verifySendgrid(
  input: { publicKey: string; body: string; signature: string | null; timestamp: string | null },
  now: Date = new Date(),
): SendgridVerdict {
  const { signature, timestamp } = input;
  if (!signature || !timestamp) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'stale' };
  if (Math.abs(now.getTime() - Number(timestamp) * 1000) > MAX_SKEW_MS)
    return { ok: false, reason: 'stale' };
  try {
    const webhook = new EventWebhook();
    const key = webhook.convertPublicKeyToECDSA(input.publicKey);
    return webhook.verifySignature(key, input.body, signature, timestamp)
      ? { ok: true }
      : { ok: false, reason: 'signature' };
  } catch {
    // A signature or key that does not even decode.
    return { ok: false, reason: 'signature' };
  }
}

const sendgridEventSchema = z
  .object({
    email: z.string().optional(),
    event: z.string(),
    type: z.string().optional(),
    reason: z.string().optional(),
    status: z.string().optional(),
    bounce_classification: z.string().optional(),
    timestamp: z.number().optional(),
    sg_event_id: z.string().optional(),
    sg_message_id: z.string().optional(),
  })
  .loose();

export const sendgridBodySchema = z.array(z.unknown());

/**
 * The events of a delivery that suppress: `bounce` of type `bounce` (the address refused the
 * mail for good; type `blocked` is the receiving server refusing the sender, not the address)
 * and `spamreport`. `dropped`, `deferred`, `delivered`, opens, clicks and the rest: none.
 */
export function sendgridEvents(body: unknown[]): MailEvent[] {
  const events: MailEvent[] = [];
  for (const item of body) {
    const parsed = sendgridEventSchema.safeParse(item);
    if (!parsed.success || !parsed.data.email) continue;
    const e = parsed.data;
    const kind =
      e.event === 'bounce' && (e.type ?? 'bounce') === 'bounce'
        ? ('hard_bounce' as const)
        : e.event === 'spamreport'
          ? ('complaint' as const)
          : null;
    if (!kind || !e.email) continue;
    events.push({
      kind,
      address: e.email,
      // sg_event_id is unique per event; without one, the event's own content identifies it.
      eventId: e.sg_event_id ?? sha256Hex(JSON.stringify(item)),
      evidence: {
        eventType: e.event,
        subtype:
          kind === 'hard_bounce'
            ? [e.type, e.bounce_classification].filter(Boolean).join('/')
            : undefined,
        diagnostic: kind === 'hard_bounce' ? (e.reason ?? e.status) : undefined,
        providerMessageId: e.sg_message_id,
        providerEventId: e.sg_event_id,
        occurredAt: isoSeconds(e.timestamp),
      },
    });
  }
  return events;
}

function isoSeconds(seconds: number | undefined): string | undefined {
  if (seconds === undefined) return undefined;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
