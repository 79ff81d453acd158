import { z } from 'zod';
import { type Db, db as getDb } from '@/db/client';
import { loadChange } from '@/db/queries/consent';
import { findSubscriberById, listSubscriptions } from '@/db/queries/subscribers';
import { findWorkspaceById, listCategories } from '@/db/queries/workspaces';
import type { ConsentEvent, Workspace } from '@/db/schema';
import { confirmationToken } from './embed';
import { type Locale, negotiateLocale, pick } from './i18n';
import type { EventBody } from './ledger';
import { buildLinks, linkOrigin } from './links';
import { isPermanentMailError, senderFor, sendMail } from './mail';
import {
  describeOptOuts,
  doubleOptInRequest,
  type OptOutItem,
  optOutConfirmation,
  preferencesLink,
  type RenderedMail,
} from './mail-templates';
import { type Job, PermanentJobError, registerJobHandler } from './outbox';
import { asksFeedbackQuestion, sendsConfirmationMessages } from './workspaces';

/**
 * Outbox jobs that send Dial's own mails. Payloads name the subscriber and the change by id only:
 * no address, no wording, so erasure has nothing to scrub in them. The handler reads the address
 * when it runs, and sends nothing to an erased subscriber.
 *
 * At-least-once: a job may run twice (a lease that ran out mid-send, or a crash between sending
 * and marking the job done). Nothing can make that exactly-once across SMTP; each run sends at
 * most one mail, and a repeat carries the same Message-ID (derived from the job id) so receivers
 * may drop it, while the dev mailbox keeps a single copy.
 */

export const OPT_OUT_CONFIRMATION = 'mail.optout_confirmation';
export const PREFERENCES_LINK = 'mail.preferences_link';
export const DOUBLE_OPT_IN = 'mail.double_opt_in';

const localeField = z.string().trim().max(35).optional();

export const optOutConfirmationPayloadSchema = z.object({
  subscriberId: z.guid(),
  changeId: z.guid(),
  locale: localeField,
  /** The optional feedback question's page, when the caller offers one. */
  feedbackUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type OptOutConfirmationPayload = z.infer<typeof optOutConfirmationPayloadSchema>;

export const preferencesLinkPayloadSchema = z.object({
  subscriberId: z.guid(),
  locale: localeField,
});
export type PreferencesLinkPayload = z.infer<typeof preferencesLinkPayloadSchema>;

export const doubleOptInPayloadSchema = z.object({
  subscriberId: z.guid(),
  /** The change that left the consents pending: the confirmation link confirms exactly those. */
  changeId: z.guid(),
  locale: localeField,
});

/** Outbox rows for the one door (or any caller) to write beside the change that causes them. */
export function optOutConfirmationJob(workspaceId: string, payload: OptOutConfirmationPayload) {
  return { workspaceId, kind: OPT_OUT_CONFIRMATION, payload };
}
export function preferencesLinkJob(workspaceId: string, payload: PreferencesLinkPayload) {
  return { workspaceId, kind: PREFERENCES_LINK, payload };
}

/** Registers the handlers; a second call replaces them with the same ones. */
export function registerMailJobs(): void {
  registerJobHandler(OPT_OUT_CONFIRMATION, (job) => sendOptOutConfirmation(job));
  registerJobHandler(PREFERENCES_LINK, (job) => sendPreferencesLink(job));
  registerJobHandler(DOUBLE_OPT_IN, (job) => sendDoubleOptInRequest(job));
}

export async function sendOptOutConfirmation(job: Job, database?: Db): Promise<void> {
  const payload = parsePayload(optOutConfirmationPayloadSchema, job);
  const dbh = database ?? (await getDb());
  const recipient = await loadRecipient(dbh, job, payload.subscriberId);
  if (!recipient) return;
  const { workspace, subscriber, email } = recipient;
  if (!sendsConfirmationMessages(workspace)) return;

  const [events, categories, current] = await Promise.all([
    loadChange(dbh, workspace.id, payload.changeId),
    listCategories(dbh, workspace.id),
    listSubscriptions(dbh, workspace.id, subscriber.id),
  ]);
  const locale = localeFor(payload.locale, subscriber.locale, workspace);
  const names = new Map(
    categories.map((c) => [c.id, pick(c.texts, locale)?.name ?? humanize(c.slug)]),
  );
  const slugs = new Map(categories.map((c) => [c.id, c.slug]));
  const stillOff = new Set(
    current.filter((s) => s.status === 'unsubscribed').map((s) => `${s.category}:${s.channel}`),
  );
  const items = optOutItems(
    events.filter((e) => e.subscriberId === subscriber.id),
    {
      // Only what is still in effect: an undo before this job ran means there is nothing to confirm.
      subscriptionOff: (categoryId, channel) => stillOff.has(`${slugs.get(categoryId)}:${channel}`),
      globalOff: (scope) => Boolean(subscriber.globalOptOuts[scope]),
      categoryName: (categoryId) => names.get(categoryId),
    },
  );
  if (items.length === 0) return;

  const links = await buildLinks({ workspace, subscriberId: subscriber.id }, dbh);
  const feedbackOn = asksFeedbackQuestion(workspace);
  const mail = optOutConfirmation({
    workspace,
    locale,
    what: describeOptOuts(locale, items),
    preferencesUrl: links.preferencesUrl,
    feedbackUrl: feedbackOn ? payload.feedbackUrl : undefined,
  });
  await deliver(dbh, job, workspace, email, mail);
}

export async function sendPreferencesLink(job: Job, database?: Db): Promise<void> {
  const payload = parsePayload(preferencesLinkPayloadSchema, job);
  const dbh = database ?? (await getDb());
  const recipient = await loadRecipient(dbh, job, payload.subscriberId);
  if (!recipient) return;
  const { workspace, subscriber, email } = recipient;
  const locale = localeFor(payload.locale, subscriber.locale, workspace);
  const links = await buildLinks({ workspace, subscriberId: subscriber.id }, dbh);
  const mail = preferencesLink({ workspace, locale, preferencesUrl: links.preferencesUrl });
  await deliver(dbh, job, workspace, email, mail);
}

/** "Please confirm": the link confirms the consents of one change that are still pending. */
export async function sendDoubleOptInRequest(job: Job, database?: Db): Promise<void> {
  const payload = parsePayload(doubleOptInPayloadSchema, job);
  const dbh = database ?? (await getDb());
  const recipient = await loadRecipient(dbh, job, payload.subscriberId);
  if (!recipient) return;
  const { workspace, subscriber, email } = recipient;
  const [events, categories, current] = await Promise.all([
    loadChange(dbh, workspace.id, payload.changeId),
    listCategories(dbh, workspace.id),
    listSubscriptions(dbh, workspace.id, subscriber.id),
  ]);
  const locale = localeFor(payload.locale, subscriber.locale, workspace);
  const names = new Map(
    categories.map((c) => [
      c.id,
      { slug: c.slug, name: pick(c.texts, locale)?.name ?? humanize(c.slug) },
    ]),
  );
  const pending = new Set(
    current.filter((s) => s.status === 'pending').map((s) => `${s.category}:${s.channel}`),
  );
  const items: OptOutItem[] = [];
  for (const e of events as unknown as EventBody[]) {
    if (e.type !== 'subscription' || e.channel !== 'email' || e.after.status !== 'pending')
      continue;
    const category = names.get(e.categoryId);
    if (category && pending.has(`${category.slug}:${e.channel}`)) {
      items.push({ type: 'subscription', categoryName: category.name, channel: e.channel });
    }
  }
  // Confirmed already, or expired: there is nothing left to ask.
  if (items.length === 0) return;
  const token = confirmationToken({
    workspaceId: workspace.id,
    subscriberId: subscriber.id,
    changeId: payload.changeId,
  });
  const mail = doubleOptInRequest({
    workspace,
    locale,
    what: describeOptOuts(locale, items),
    confirmUrl: `${linkOrigin(workspace)}/c/${token}`,
  });
  await deliver(dbh, job, workspace, email, mail);
}

/**
 * The opt-outs in one change, as the mail names them. A global opt-out of every channel says it
 * all; one of a channel covers that channel's categories, which are then not listed again.
 */
export function optOutItems(
  events: Pick<ConsentEvent, 'type' | 'categoryId' | 'channel' | 'before' | 'after'>[],
  lookups: {
    subscriptionOff: (categoryId: string, channel: string) => boolean;
    globalOff: (scope: 'all' | NonNullable<ConsentEvent['channel']>) => boolean;
    categoryName: (categoryId: string) => string | undefined;
  },
): OptOutItem[] {
  const bodies = events as unknown as EventBody[];
  const globals = bodies.filter(
    (e): e is Extract<EventBody, { type: 'global_opt_out' }> =>
      e.type === 'global_opt_out' &&
      e.after.optedOut &&
      !e.before.optedOut &&
      lookups.globalOff(e.channel ?? 'all'),
  );
  if (globals.some((e) => e.channel === null)) return [{ type: 'global', channel: null }];
  const coveredChannels = new Set(globals.map((e) => e.channel));
  const items: OptOutItem[] = globals.map((e) => ({ type: 'global', channel: e.channel }));
  for (const e of bodies) {
    if (e.type !== 'subscription') continue;
    if (e.after.status !== 'unsubscribed' || e.before.status === 'unsubscribed') continue;
    if (coveredChannels.has(e.channel) || !lookups.subscriptionOff(e.categoryId, e.channel))
      continue;
    const categoryName = lookups.categoryName(e.categoryId);
    if (categoryName) items.push({ type: 'subscription', categoryName, channel: e.channel });
  }
  return items;
}

// --- helpers ----------------------------------------------------------------------------------

function parsePayload<T extends z.ZodType>(schema: T, job: Job): z.output<T> {
  const parsed = schema.safeParse(job.payload);
  // A malformed payload will be just as malformed on the next attempt.
  if (!parsed.success) throw new PermanentJobError(`${job.kind}: invalid payload`);
  return parsed.data;
}

/** The workspace and a subscriber who can receive mail, or undefined when there is none. */
async function loadRecipient(dbh: Db, job: Job, subscriberId: string) {
  if (!job.workspaceId) throw new PermanentJobError(`${job.kind}: job has no workspace`);
  const [workspace, subscriber] = await Promise.all([
    findWorkspaceById(dbh, job.workspaceId),
    findSubscriberById(dbh, job.workspaceId, subscriberId),
  ]);
  if (!workspace || !subscriber || subscriber.erasedAt || !subscriber.email) return undefined;
  return { workspace, subscriber, email: subscriber.email };
}

function localeFor(
  explicit: string | undefined,
  stored: string | null,
  workspace: Pick<Workspace, 'settings'>,
): Locale {
  return negotiateLocale({ explicit, stored, fallback: workspace.settings.defaultLocale });
}

async function deliver(
  dbh: Db,
  job: Job,
  workspace: Workspace,
  to: string,
  mail: RenderedMail,
): Promise<void> {
  try {
    await sendMail(
      {
        workspaceId: workspace.id,
        to,
        ...senderFor(workspace),
        ...mail,
        dedupeKey: `${job.kind}:${job.id}`,
      },
      dbh,
    );
  } catch (error) {
    // The outbox keeps the error text, and erasure does not scrub it: keep addresses out of it.
    const message = redactAddresses(error instanceof Error ? error.message : String(error));
    if (isPermanentMailError(error)) throw new PermanentJobError(message);
    throw new Error(message);
  }
}

function redactAddresses(text: string): string {
  return text.replace(/[^\s<>"',;:]+@[^\s<>"',;]+/g, '<address>');
}

/** `product-news` → `Product news`, for a category with no name in any language. */
function humanize(slug: string): string {
  const words = slug.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
