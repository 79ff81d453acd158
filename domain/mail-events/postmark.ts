import { z } from 'zod';
import { sha256Hex } from '../ledger';
import type { MailEvent } from '../mail-events';

/**
 * Postmark's bounce and spam complaint webhooks. Postmark does not sign its webhooks; the
 * webhook URL carries HTTP Basic credentials that the workspace configured, checked in
 * constant time (domain/mail-events.ts, `postmarkCredentialsMatch`).
 */

/**
 * Bounce types that say the address itself is gone for good. `HardBounce` (code 1: unknown
 * user, mailbox not found) and `BadEmailAddress` (100000: not a valid address). Not these:
 * soft bounces, DNS errors, auto-responders, `Blocked` (the receiver refuses the sender, a
 * matter of reputation), `ManuallyDeactivated` (an operator's act, not the address's).
 */
const PERMANENT_BOUNCE_TYPES: ReadonlySet<string> = new Set(['HardBounce', 'BadEmailAddress']);

/** The subset of Postmark's bounce and spam complaint payloads Dial reads. */
const postmarkRecordSchema = z
  .object({
    RecordType: z.string(),
    ID: z.union([z.number(), z.string()]).optional(),
    Type: z.string().optional(),
    TypeCode: z.number().optional(),
    MessageID: z.string().optional(),
    Email: z.string().optional(),
    Description: z.string().optional(),
    Details: z.string().optional(),
    BouncedAt: z.string().optional(),
  })
  .loose();

export const postmarkBodySchema = z.object({ RecordType: z.string() }).loose();

/**
 * The suppressing event of one Postmark webhook call, if it is one: a `Bounce` record of a
 * permanent type, or a `SpamComplaint` record. The id is a digest of the fields that identify
 * the event (Postmark's numeric `ID` can exceed JavaScript's exact integers, so it is not used
 * alone), the same on every retry of the call.
 */
export function postmarkEvents(body: unknown): MailEvent[] {
  const parsed = postmarkRecordSchema.safeParse(body);
  if (!parsed.success || !parsed.data.Email) return [];
  const r = parsed.data;
  const kind =
    r.RecordType === 'SpamComplaint' || (r.RecordType === 'Bounce' && r.Type === 'SpamComplaint')
      ? ('complaint' as const)
      : r.RecordType === 'Bounce' && r.Type && PERMANENT_BOUNCE_TYPES.has(r.Type)
        ? ('hard_bounce' as const)
        : null;
  if (!kind) return [];
  return [
    {
      kind,
      address: r.Email as string,
      eventId: sha256Hex(
        JSON.stringify([
          r.RecordType,
          String(r.ID ?? ''),
          r.MessageID ?? '',
          r.Email,
          r.BouncedAt ?? '',
        ]),
      ),
      evidence: {
        eventType: r.RecordType,
        subtype: r.Type,
        diagnostic: kind === 'hard_bounce' ? (r.Details ?? r.Description) : undefined,
        providerMessageId: r.MessageID,
        providerEventId: r.ID !== undefined ? String(r.ID) : undefined,
        occurredAt: r.BouncedAt,
      },
    },
  ];
}
