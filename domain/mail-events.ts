import { createHash, createPublicKey, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { type Db, db as getDb } from '@/db/client';
import {
  claimEventKeys,
  findSubscribersByEmails,
  mergeMailEventSettings,
} from '@/db/queries/mail-events';
import { insertSuppressions } from '@/db/queries/suppressions';
import type { EvidenceData, MailEventSettings, Source, Workspace } from '@/db/schema';
import { applyConsent, type ConsentItem } from './consent';
import { DomainError } from './errors';
import { sha256Hex } from './ledger';
import { emailSchema } from './subscribers';
import { suppressionEntries } from './suppression';
import { requireWorkspace } from './workspaces';

/**
 * Bounces and complaints from the mail services (SES through SNS, SendGrid, Postmark). Each
 * service's module verifies a delivery the way that service signs it and reads the events it
 * carries; this module applies what they mean:
 *
 * - A hard bounce (the address does not exist or refuses mail for good) and a spam complaint
 *   each record an email global opt-out through the one door, with source `bounce` or
 *   `complaint` and the provider's evidence (never the raw payload), so the check answers
 *   `global_opt_out` for every marketing category on email. A complaint is the person's own
 *   opt-out (only their own opt-in reverses it); a bounce is not (transitions.ts).
 * - The address also goes onto the suppression list as a keyed hash, reason `hard_bounce` or
 *   `complaint`, whether or not Dial knows a subscriber with it: it shows in the suppression
 *   export, and an import or signup of it later is suppressed.
 * - Transactional mail stays allowed (rule 6): the check answers consent, not deliverability,
 *   and each of these services already refuses to send to an address it saw hard-bounce.
 * - Everything else (soft bounces, deliveries, opens, clicks, blocks, drops) is acknowledged
 *   and ignored.
 * - Each provider event is applied once: its id is claimed in the same transaction as its
 *   change, so a redelivery changes nothing even if the state moved in between.
 */

export const MAIL_SERVICES = ['ses', 'sendgrid', 'postmark'] as const;
export type MailService = (typeof MAIL_SERVICES)[number];

export type MailEventKind = 'hard_bounce' | 'complaint';

/** What is kept as evidence of one event: enough to prove it, no message content. */
export type MailEventEvidence = {
  /** The provider's own name of the event (`Bounce`, `bounce`, `spamreport`, `SpamComplaint`). */
  eventType: string;
  /** Bounce type and subtype (`Permanent/General`, `HardBounce`), or the complaint's kind. */
  subtype?: string;
  /** The receiving server's answer, e.g. `smtp; 550 5.1.1 user unknown`. */
  diagnostic?: string;
  providerMessageId?: string;
  providerEventId?: string;
  /** When the provider says the event happened (ISO 8601). */
  occurredAt?: string;
};

export type MailEvent = {
  kind: MailEventKind;
  /** The recipient as the provider wrote it; normalised here. */
  address: string;
  /** Unique per event and recipient at that provider: the de-duplication key. */
  eventId: string;
  evidence: MailEventEvidence;
};

export type MailEventOutcome = {
  /** Events that suppress (hard bounces, complaints) in the delivery. */
  received: number;
  /** Of those, applied now: the address suppressed (again, harmlessly, if it was already). */
  applied: number;
  /** Of those, seen before and skipped. */
  duplicates: number;
  /** Subscribers whose consent changed. */
  changed: number;
};

const SOURCE: Record<MailEventKind, Source> = { hard_bounce: 'bounce', complaint: 'complaint' };

/** `Jane <jane@example.com>` or `jane@example.com` to the stored form, or null if not an address. */
export function normalizeRecipient(address: string): string | null {
  const angled = /<([^<>]+)>\s*$/.exec(address);
  const parsed = emailSchema.safeParse(angled?.[1] ?? address);
  return parsed.success ? parsed.data : null;
}

const DIAGNOSTIC_MAX = 500;

function evidenceOf(service: MailService, event: MailEvent): EvidenceData {
  const detail: Record<string, unknown> = { service, event: event.kind };
  for (const [key, value] of Object.entries(event.evidence)) {
    if (typeof value === 'string' && value !== '') detail[key] = value.slice(0, DIAGNOSTIC_MAX);
  }
  return { detail };
}

/**
 * Applies a verified delivery's events in one transaction: claims their ids, suppresses the
 * addresses, and records the opt-outs of the subscribers who have them (one door, set-based:
 * one query finds them, one call of the door per source records them).
 */
export async function recordMailEvents(
  input: { workspaceId: string; service: MailService; events: MailEvent[]; now?: Date },
  database?: Db,
): Promise<MailEventOutcome> {
  const dbh = database ?? (await getDb());
  const { workspaceId, service } = input;
  const byKey = new Map<string, MailEvent & { email: string }>();
  for (const event of input.events) {
    const email = normalizeRecipient(event.address);
    if (!email) continue;
    byKey.set(eventKey(service, event.eventId), { ...event, email });
  }
  const outcome: MailEventOutcome = { received: byKey.size, applied: 0, duplicates: 0, changed: 0 };
  if (byKey.size === 0) return outcome;

  return dbh.transaction(async (tx) => {
    // Sorted, here and below, so two deliveries sharing events take their row locks in one
    // order and cannot deadlock. The request hash names the event, never the address.
    const claimed = await claimEventKeys(
      tx,
      workspaceId,
      [...byKey.keys()].sort().map((key) => ({ key, requestHash: sha256Hex(key) })),
    );
    const fresh = [...byKey].filter(([key]) => claimed.has(key)).map(([, e]) => e);
    outcome.applied = fresh.length;
    outcome.duplicates = byKey.size - fresh.length;
    if (fresh.length === 0) return outcome;

    await insertSuppressions(
      tx,
      fresh
        .flatMap((e) => suppressionEntries(workspaceId, { email: e.email }, e.kind))
        .sort((x, y) => (x.addressHash < y.addressHash ? -1 : 1)),
    );
    const found = await findSubscribersByEmails(tx, workspaceId, [
      ...new Set(fresh.map((e) => e.email)),
    ]);
    const subscriberOf = new Map(found.map((s) => [s.email, s.id]));
    // Bounces first, then complaints: a complaint after a bounce still records the person's own
    // no. One item per subscriber per call; a second event of the same kind changes nothing.
    for (const kind of ['hard_bounce', 'complaint'] as const) {
      const items = new Map<string, ConsentItem>();
      for (const event of fresh) {
        const subscriberId = subscriberOf.get(event.email);
        if (event.kind !== kind || !subscriberId || items.has(subscriberId)) continue;
        items.set(subscriberId, {
          subscriberId,
          changes: [{ type: 'global_opt_out', channel: 'email' }],
          evidence: evidenceOf(service, event),
        });
      }
      if (items.size === 0) continue;
      const results = await applyConsent(
        { workspaceId, source: SOURCE[kind], items: [...items.values()], now: input.now },
        tx,
      );
      for (const result of results) {
        if (!result.ok)
          throw new Error(`A ${kind} opt-out was refused: ${result.refusals[0]?.reason}`);
        if (result.changeId) outcome.changed += 1;
      }
    }
    return outcome;
  });
}

/**
 * Kept in the idempotency table beside API keys; the space cannot occur in an API client's
 * Idempotency-Key (printable ASCII without spaces), so the two never collide.
 */
function eventKey(service: MailService, eventId: string): string {
  return `mail-event ${service}:${eventId}`;
}

// --- Configuration ---------------------------------------------------------------------------

const SNS_TOPIC_ARN = /^arn:aws(?:-[a-z]+)*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

export const mailEventConfigureSchema = z.object({
  sesTopicArn: z
    .string()
    .trim()
    .regex(
      SNS_TOPIC_ARN,
      'Give the SNS topic ARN, like arn:aws:sns:us-east-1:123456789012:ses-events',
    )
    .optional(),
  sendgridPublicKey: z
    .string()
    .trim()
    .min(40)
    .max(1000)
    .refine(
      isUsableEcdsaKey,
      'Give the verification key SendGrid shows for the signed event webhook',
    )
    .optional(),
  /** `user:password`, as Postmark's webhook URL carries them. */
  postmarkBasicAuth: z
    .string()
    .regex(/^[^:\s]{1,100}:.+$/, 'Give user:password')
    .refine((v) => v.slice(v.indexOf(':') + 1).length >= 16, {
      message: 'Use a password of at least 16 characters (e.g. openssl rand -hex 16)',
    })
    .optional(),
});

function isUsableEcdsaKey(key: string): boolean {
  try {
    const publicKey = key.includes('-----BEGIN')
      ? createPublicKey(key)
      : createPublicKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'spki' });
    return publicKey.asymmetricKeyType === 'ec';
  } catch {
    return false;
  }
}

export async function configureMailEvents(
  slug: string,
  input: z.input<typeof mailEventConfigureSchema>,
  database?: Db,
): Promise<Workspace['settings']> {
  const dbh = database ?? (await getDb());
  const values = mailEventConfigureSchema.parse(input);
  const workspace = await requireWorkspace(slug, dbh);
  const patch: MailEventSettings = {};
  if (values.sesTopicArn) patch.sesTopicArn = values.sesTopicArn;
  if (values.sendgridPublicKey) patch.sendgridPublicKey = values.sendgridPublicKey;
  if (values.postmarkBasicAuth) {
    const split = values.postmarkBasicAuth.indexOf(':');
    patch.postmarkUser = values.postmarkBasicAuth.slice(0, split);
    patch.postmarkPasswordSha256 = sha256Hex(values.postmarkBasicAuth.slice(split + 1));
  }
  const row = await mergeMailEventSettings(dbh, workspace.id, patch);
  if (!row) throw new DomainError('not_found', `No workspace "${slug}".`);
  return row.settings;
}

/** Whether HTTP Basic credentials are the workspace's Postmark ones, in constant time. */
export function postmarkCredentialsMatch(
  settings: MailEventSettings,
  user: string,
  password: string,
): boolean {
  if (!settings.postmarkUser || !settings.postmarkPasswordSha256) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  const userOk = timingSafeEqual(digest(user), digest(settings.postmarkUser));
  const passwordOk = timingSafeEqual(
    digest(password),
    Buffer.from(settings.postmarkPasswordSha256, 'hex'),
  );
  return userOk && passwordOk;
}
