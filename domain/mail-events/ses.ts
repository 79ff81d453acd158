import { createVerify, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import type { MailEvent } from '../mail-events';

/**
 * Amazon SES bounce and complaint notifications, delivered by SNS over HTTPS. SNS signs each
 * message: SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA, over a canonical text of the
 * message's fields, with the certificate at SigningCertURL. That URL must be https on an SNS
 * host (`sns.<region>.amazonaws.com`): anything else is refused before any fetch, so a forger
 * cannot point Dial at a certificate of their own.
 */

/** `sns.<region>.amazonaws.com`, nothing before or after. */
const SNS_HOST = /^sns\.[a-z]{2}(?:-[a-z]+)+-\d\.amazonaws\.com$/;

export const snsMessageSchema = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string().min(1).max(200),
  TopicArn: z.string().min(1).max(1024),
  Subject: z.string().optional(),
  Message: z.string(),
  Timestamp: z.string().min(1),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().min(1),
  SigningCertURL: z.string().min(1),
  SubscribeURL: z.string().optional(),
  Token: z.string().optional(),
  UnsubscribeURL: z.string().optional(),
});
export type SnsMessage = z.infer<typeof snsMessageSchema>;

/** An https URL on an SNS host, or null. */
export function snsUrl(text: string | undefined): URL | null {
  if (!text) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return null;
  return SNS_HOST.test(url.hostname) ? url : null;
}

/** The text SNS signs, per its documentation: fixed keys, in this order, each `key\nvalue\n`. */
export function snsStringToSign(message: SnsMessage): string | null {
  const keys =
    message.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  let text = '';
  for (const key of keys) {
    const value = message[key as keyof SnsMessage];
    if (value === undefined) {
      if (key === 'Subject') continue; // a Notification without a subject signs without it
      return null;
    }
    text += `${key}\n${value}\n`;
  }
  return text;
}

/** Fetches the PEM certificate at an (already checked) SNS URL. */
export type CertificateFetcher = (url: URL) => Promise<string>;

const CERT_CACHE = Symbol.for('dial.snsCertificates');
const CERT_TTL_MS = 24 * 3_600_000;
type CertCache = Map<string, { pem: string; until: number }>;

/** The real fetcher: no redirects, a time limit, a size limit; certificates kept for a day. */
export const fetchSnsCertificate: CertificateFetcher = async (url) => {
  const holder = globalThis as { [CERT_CACHE]?: CertCache };
  holder[CERT_CACHE] ??= new Map();
  const cache = holder[CERT_CACHE];
  const hit = cache.get(url.href);
  if (hit && hit.until > Date.now()) return hit.pem;
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`SNS certificate fetch answered ${response.status}`);
  const pem = await response.text();
  if (pem.length > 20_000 || !pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new Error('SNS certificate URL did not answer a PEM certificate');
  if (cache.size > 100) cache.clear();
  cache.set(url.href, { pem, until: Date.now() + CERT_TTL_MS });
  return pem;
};

export type SnsVerdict =
  | { ok: true }
  | { ok: false; reason: 'cert_url' | 'signature' | 'certificate' | 'unavailable' };

/** Verifies the message's signature with the certificate its (SNS-hosted) URL points to. */
export async function verifySnsMessage(
  message: SnsMessage,
  fetchCertificate: CertificateFetcher,
  now: Date = new Date(),
): Promise<SnsVerdict> {
  const certUrl = snsUrl(message.SigningCertURL);
  if (!certUrl?.pathname.endsWith('.pem')) return { ok: false, reason: 'cert_url' };
  const text = snsStringToSign(message);
  if (text === null) return { ok: false, reason: 'signature' };
  let pem: string;
  try {
    pem = await fetchCertificate(certUrl);
  } catch {
    return { ok: false, reason: 'unavailable' };
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return { ok: false, reason: 'certificate' };
  }
  const t = now.getTime();
  if (Date.parse(cert.validFrom) > t || Date.parse(cert.validTo) < t)
    return { ok: false, reason: 'certificate' };
  try {
    const verifier = createVerify(message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
    verifier.update(text, 'utf8');
    return verifier.verify(cert.publicKey, message.Signature, 'base64')
      ? { ok: true }
      : { ok: false, reason: 'signature' };
  } catch {
    return { ok: false, reason: 'signature' };
  }
}

// --- SES notifications -----------------------------------------------------------------------

const recipientSchema = z.object({
  emailAddress: z.string(),
  action: z.string().optional(),
  status: z.string().optional(),
  diagnosticCode: z.string().optional(),
});

/**
 * An SES notification (`notificationType`, from an identity's notification topic) or event
 * (`eventType`, from a configuration set's event destination): the same bounce and complaint
 * objects under either name.
 */
const sesNotificationSchema = z.object({
  notificationType: z.string().optional(),
  eventType: z.string().optional(),
  mail: z.object({ messageId: z.string().optional() }).loose().optional(),
  bounce: z
    .object({
      bounceType: z.string(),
      bounceSubType: z.string().optional(),
      bouncedRecipients: z.array(recipientSchema),
      timestamp: z.string().optional(),
      feedbackId: z.string().optional(),
    })
    .loose()
    .optional(),
  complaint: z
    .object({
      complainedRecipients: z.array(recipientSchema),
      complaintFeedbackType: z.string().optional(),
      complaintSubType: z.string().nullable().optional(),
      timestamp: z.string().optional(),
      feedbackId: z.string().optional(),
    })
    .loose()
    .optional(),
});

/**
 * The events of one SES notification that suppress: a `Permanent` bounce's recipients, a
 * complaint's recipients. `Transient` and `Undetermined` bounces, deliveries, sends, opens and
 * the rest answer none. Ids: the SNS message id and the recipient's place, unique per recipient
 * and the same on every redelivery.
 */
export function sesEvents(snsMessageId: string, messageText: string): MailEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(messageText);
  } catch {
    return [];
  }
  const result = sesNotificationSchema.safeParse(parsed);
  if (!result.success) return [];
  const n = result.data;
  const type = n.notificationType ?? n.eventType;
  const providerMessageId = n.mail?.messageId;
  if (type === 'Bounce' && n.bounce?.bounceType === 'Permanent') {
    const b = n.bounce;
    return b.bouncedRecipients.map((r, i) => ({
      kind: 'hard_bounce' as const,
      address: r.emailAddress,
      eventId: `${snsMessageId}/${i}`,
      evidence: {
        eventType: type,
        subtype: [b.bounceType, b.bounceSubType].filter(Boolean).join('/'),
        diagnostic: r.diagnosticCode ?? r.status,
        providerMessageId,
        providerEventId: b.feedbackId,
        occurredAt: b.timestamp,
      },
    }));
  }
  if (type === 'Complaint' && n.complaint) {
    const c = n.complaint;
    return c.complainedRecipients.map((r, i) => ({
      kind: 'complaint' as const,
      address: r.emailAddress,
      eventId: `${snsMessageId}/${i}`,
      evidence: {
        eventType: type,
        subtype: c.complaintFeedbackType ?? c.complaintSubType ?? undefined,
        providerMessageId,
        providerEventId: c.feedbackId,
        occurredAt: c.timestamp,
      },
    }));
  }
  return [];
}
