import { createHash, randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { type Db, db as getDb } from '@/db/client';
import { deleteDevMailsTo, findDevMail, insertDevMail, listDevMails } from '@/db/queries/mailbox';
import type { Workspace } from '@/db/schema';
import { config } from '@/platform/config';

/**
 * Dial's own outgoing mail (confirmations, "here is your link"): through SMTP when SMTP_URL is
 * set, otherwise kept in the dev mailbox table and shown at /dev/mailbox (DESIGN.md, Running).
 */

export type MailAddress = { name?: string; address: string };

export type OutgoingMail = {
  workspaceId: string | null;
  to: string;
  from: MailAddress;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  /**
   * A stable key for this mail, such as the outbox job id: a second send with the same key gets
   * the same Message-ID (receivers may drop the repeat) and keeps one dev-mailbox copy.
   */
  dedupeKey?: string;
};

export type SentMail = { via: 'smtp' | 'mailbox'; messageId: string; duplicate: boolean };

/** The workspace's sender identity: its sender name, its address or no-reply@ Dial's host. */
export function senderFor(workspace: Pick<Workspace, 'name' | 'settings'>): {
  from: MailAddress;
  replyTo?: string;
} {
  const { senderName, fromAddress, replyTo } = workspace.settings;
  return {
    from: {
      name: oneLine(senderName || workspace.name),
      address: fromAddress || `no-reply@${new URL(config().baseUrl).hostname}`,
    },
    replyTo: replyTo || undefined,
  };
}

/** `"Name" <address>`, quoted as RFC 5322 wants; for display and the dev mailbox's copy. */
export function formatAddress(address: MailAddress): string {
  if (!address.name) return address.address;
  return `"${oneLine(address.name).replace(/["\\]/g, '\\$&')}" <${address.address}>`;
}

export async function sendMail(mail: OutgoingMail, database?: Db): Promise<SentMail> {
  const to = normalizeAddress(mail.to);
  const subject = oneLine(mail.subject);
  const domain = mail.from.address.split('@').pop() || 'dial.invalid';
  const key = mail.dedupeKey ? digest(mail.dedupeKey) : randomUUID().replaceAll('-', '');
  const messageId = `<${key}@${domain}>`;
  const smtpUrl = config().smtpUrl;
  if (smtpUrl) {
    await transport(smtpUrl).sendMail({
      to,
      from: { name: oneLine(mail.from.name ?? ''), address: mail.from.address },
      replyTo: mail.replyTo,
      subject,
      text: mail.text,
      html: mail.html,
      messageId,
    });
    return { via: 'smtp', messageId, duplicate: false };
  }
  const dbh = database ?? (await getDb());
  const inserted = await insertDevMail(dbh, {
    id: mail.dedupeKey ? uuidFrom(key) : undefined,
    workspaceId: mail.workspaceId,
    to,
    from: formatAddress(mail.from),
    subject,
    text: mail.text,
    html: mail.html,
  });
  return { via: 'mailbox', messageId, duplicate: inserted === undefined };
}

/**
 * A refusal that trying again cannot change: the server rejected the recipient (5xx). Other
 * failures (connection, authentication, a 4xx) may pass once an operator or the server recovers.
 */
export function isPermanentMailError(error: unknown): boolean {
  const e = error as { code?: string; responseCode?: number };
  return e?.code === 'EENVELOPE' && typeof e.responseCode === 'number' && e.responseCode >= 500;
}

// --- the SMTP transport: one per process ------------------------------------------------------

const SMTP = Symbol.for('dial.smtp');
type Holder = { [SMTP]?: { url: string; transporter: Transporter } };

/**
 * Created once per process from SMTP_URL and shared by every module graph through globalThis.
 * Its timeouts stay well under the outbox lease (60 s), so a hung server fails the attempt
 * rather than letting a second worker claim the job while this one may still deliver it.
 * Options given in the URL's query (nodemailer reads them there) win over these defaults.
 */
function transport(url: string): Transporter {
  const holder = globalThis as Holder;
  const cached = holder[SMTP];
  if (cached && cached.url === url) return cached.transporter;
  cached?.transporter.close();
  const withDefaults = new URL(url);
  for (const [name, value] of Object.entries(SMTP_DEFAULTS)) {
    if (!withDefaults.searchParams.has(name)) withDefaults.searchParams.set(name, value);
  }
  const transporter = nodemailer.createTransport(withDefaults.toString());
  holder[SMTP] = { url, transporter };
  return transporter;
}

const SMTP_DEFAULTS = {
  connectionTimeout: '10000',
  greetingTimeout: '10000',
  socketTimeout: '30000',
};

/** Closes the cached transport; the next send opens one from the current configuration. */
export function resetMailTransport(): void {
  const holder = globalThis as Holder;
  holder[SMTP]?.transporter.close();
  delete holder[SMTP];
}

// --- the dev mailbox --------------------------------------------------------------------------

export async function listDevMailbox(input: { limit?: number } = {}, database?: Db) {
  const dbh = database ?? (await getDb());
  return listDevMails(dbh, { limit: Math.min(Math.max(input.limit ?? 100, 1), 100) });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findDevMailById(id: string, database?: Db) {
  if (!UUID.test(id)) return undefined;
  const dbh = database ?? (await getDb());
  return findDevMail(dbh, id);
}

/** Erasure: the kept copies of what this workspace sent to the address. */
export async function eraseDevMailsTo(
  input: { workspaceId: string; address: string },
  database?: Db,
): Promise<number> {
  const dbh = database ?? (await getDb());
  const deleted = await deleteDevMailsTo(dbh, {
    workspaceId: input.workspaceId,
    address: normalizeAddress(input.address),
  });
  return deleted.length;
}

// --- helpers ----------------------------------------------------------------------------------

/** Header values never carry a line break (no header injection through a name or subject). */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

/** As subscribers' addresses are stored, so erasure finds the copies. */
function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

function digest(key: string): string {
  return createHash('sha256').update(`dial-mail\n${key}`, 'utf8').digest('hex').slice(0, 32);
}

/** A UUID (version 8, name-based) from 32 hex digits, so a repeat lands on the same row. */
function uuidFrom(hex: string): string {
  const h = `${hex.slice(0, 12)}8${hex.slice(13, 16)}${((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 32)}`;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
