import { createHash, randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { type Db, db as getDb } from '@/db/client';
import { findJob, insertJobs } from '@/db/queries/outbox';
import { findSubscribersByKeys } from '@/db/queries/subscribers';
import { DomainError } from './errors';
import { toLocale } from './i18n';
import { type PreferencesLinkPayload, preferencesLinkJob } from './mail-jobs';
import { overLimit } from './rate-limit';
import { emailSchema } from './subscribers';
import { requireWorkspace } from './workspaces';

/**
 * "Email me a link to my preferences", for someone who has no link at hand (DESIGN.md, subscriber
 * pages). The answer never tells whether the address is known: a known address gets a mail (an
 * outbox job), an unknown one gets nothing, and both get the same "sent". Rate limits keep the
 * form from being used to flood a mailbox or to probe many addresses.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Checked in this order, each counted only when the ones before allowed the request: a client
 * refused for an address it hammers has spent its own budget, not the workspace's. Per process
 * (see rate-limit.ts).
 */
export const PREFERENCES_LINK_LIMITS = {
  /** Per client network (an IPv4 address, an IPv6 /64). */
  ip: { limit: 10, windowMs: HOUR },
  /** Per address, across workspaces: this is what protects the mailbox. */
  addressHour: { limit: 3, windowMs: HOUR },
  addressDay: { limit: 5, windowMs: DAY },
  /** Per workspace: caps probing from many networks at once. */
  workspace: { limit: 300, windowMs: HOUR },
} as const;

export type LinkRequestAnswer =
  | { status: 'sent' }
  | { status: 'rate_limited'; retryAfterSeconds: number };

export async function requestPreferencesLink(
  input: {
    workspaceSlug: string;
    email: string;
    /** The client's address; without one, only the other limits apply. */
    ip?: string | null;
    /**
     * The language the person chose on the page (the switcher). Leave it out when the page's
     * language was only negotiated: the mail then uses the subscriber's stored language.
     */
    locale?: string | null;
    now?: Date;
  },
  database?: Db,
): Promise<LinkRequestAnswer> {
  const parsed = emailSchema.safeParse(input.email);
  if (!parsed.success) {
    const message = 'Enter an email address like name@example.com.';
    throw new DomainError('validation', message, { errors: [{ path: 'email', message }] });
  }
  const email = parsed.data;
  const now = (input.now ?? new Date()).getTime();
  const limits = PREFERENCES_LINK_LIMITS;

  const ip = input.ip?.trim();
  if (ip) {
    const refused = overLimit(`link-request:ip:${networkOf(ip)}`, limits.ip, now);
    if (refused) return refused;
  }
  const dbh = database ?? (await getDb());
  const workspace = await requireWorkspace(input.workspaceSlug, dbh);
  // Counted whether or not the address is known, so a refusal tells nothing either. Hour before
  // day: a request the hourly limit refuses does not use up the day.
  const address = createHash('sha256').update(email).digest('base64url');
  const refused =
    overLimit(`link-request:address-hour:${address}`, limits.addressHour, now) ??
    overLimit(`link-request:address-day:${address}`, limits.addressDay, now) ??
    overLimit(`link-request:workspace:${workspace.id}`, limits.workspace, now);
  if (refused) return refused;

  const subscriber = (await findSubscribersByKeys(dbh, workspace.id, { email })).find(
    (s) => s.erasedAt === null,
  );
  if (subscriber) {
    const locale = toLocale(input.locale);
    const payload: PreferencesLinkPayload = {
      subscriberId: subscriber.id,
      ...(locale ? { locale } : {}),
    };
    // The job names the subscriber only (no address): mail-jobs.ts reads the address when it runs.
    await insertJobs(dbh, [preferencesLinkJob(workspace.id, payload)]);
  } else {
    // A round trip in place of the insert, so an unknown address does not answer visibly faster
    // (the insert's commit still takes a little longer on PostgreSQL).
    await findJob(dbh, randomUUID());
  }
  return { status: 'sent' };
}

/**
 * The network a client address stands for: an IPv4 address as is, an IPv6 address as its /64,
 * since one subscriber line usually gets a whole /64 and could otherwise take a fresh address per
 * request. Anything else (a proxy's odd header) is kept as given, bounded.
 */
export function networkOf(ip: string): string {
  const bare = ip.trim().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare);
  if (mapped?.[1]) return mapped[1];
  const kind = isIP(bare);
  if (kind === 4) return bare;
  if (kind !== 6) return bare.slice(0, 64);
  const [head = '', tail] = bare.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  // A trailing dotted IPv4 part fills two groups.
  const width = (parts: string[]) => parts.reduce((n, p) => n + (p.includes('.') ? 2 : 1), 0);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = Array<string>(Math.max(0, 8 - width(left) - width(right))).fill('0');
  const full = [...left, ...(tail === undefined ? [] : zeros), ...right];
  return `${full
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
