import { createHash } from 'node:crypto';
import { type Db, db as getDb } from '@/db/client';
import { loadChange, loadSubscriptions } from '@/db/queries/consent';
import {
  categoriesBySlugs,
  findFormBySlugs,
  latestConsentTexts,
  stalePending,
} from '@/db/queries/forms';
import { insertJobs } from '@/db/queries/outbox';
import { findSubscriberById } from '@/db/queries/subscribers';
import type { Channel, EvidenceData, Form } from '@/db/schema';
import { config } from '@/platform/config';
import { applyConsent, applyConsentFor } from './consent';
import { signConfirmToken, verifyConfirmToken, verifyFormToken } from './form-tokens';
import { type Locale, pick } from './i18n';
import { type Brand, brandOf } from './preferences';
import { hit } from './rate-limit';
import { emailSchema, phoneSchema, upsertSubscriber } from './subscribers';
import type { ConsentChange } from './transitions';
import { requiresDoubleOptIn } from './workspaces';

/**
 * Embedded signup and checkout forms: what a form offers, a visitor's submission through the one
 * door (pending until confirmed where the form asks for double opt-in), the confirmation, and
 * the expiry of confirmations that never came.
 */

/** Origins that may frame every demo form, whatever the database says (the Contract). */
const DEMO_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'];

export type EmbedOption = {
  key: string;
  categoryId: string;
  categorySlug: string;
  channel: Channel;
  name: string;
  description?: string;
};

export type EmbedForm = {
  workspace: Brand;
  form: Pick<Form, 'id' | 'slug' | 'name' | 'fields' | 'theme' | 'successMessage' | 'doubleOptIn'>;
  allowedOrigins: string[];
  options: EmbedOption[];
  consentText?: { id: string; version: number; body: string };
  needsEmail: boolean;
  needsPhone: boolean;
};

const PHONE_CHANNELS: readonly Channel[] = ['sms', 'whatsapp'];

export function optionKey(categorySlug: string, channel: Channel): string {
  return `opt:${categorySlug}:${channel}`;
}

export async function loadEmbedForm(
  input: { workspaceSlug: string; formSlug: string; locale: Locale },
  database?: Db,
): Promise<EmbedForm | undefined> {
  const dbh = database ?? (await getDb());
  const found = await findFormBySlugs(dbh, input.workspaceSlug, input.formSlug);
  if (!found) return undefined;
  const { form, workspace } = found;
  const [cats, texts] = await Promise.all([
    categoriesBySlugs(dbh, workspace.id, form.categorySlugs),
    latestConsentTexts(dbh, workspace.id, form.consentTextKey),
  ]);
  const options: EmbedOption[] = [];
  for (const slug of form.categorySlugs) {
    const category = cats.find(
      (c) => c.slug === slug && c.kind === 'marketing' && c.archivedAt === null,
    );
    if (!category) continue;
    const text = pick(category.texts, input.locale);
    for (const channel of form.channels.filter((c) => category.channels.includes(c))) {
      options.push({
        key: optionKey(slug, channel),
        categoryId: category.id,
        categorySlug: slug,
        channel,
        name: text?.name ?? slug,
        description: text?.description,
      });
    }
  }
  const consentText = texts.get(input.locale) ?? texts.get('en') ?? [...texts.values()][0];
  const allowedOrigins = [
    ...new Set([...form.allowedOrigins, ...(workspace.slug === 'demo' ? DEMO_ORIGINS : [])]),
  ];
  // The workspace's double opt-in policy is a floor: a form may add it, never take it away.
  const doubleOptIn = Object.fromEntries(
    form.channels.map((c) => [c, requiresDoubleOptIn(workspace, form.doubleOptIn, c)]),
  );
  return {
    workspace: brandOf(workspace),
    form: { ...form, doubleOptIn },
    allowedOrigins,
    options,
    consentText: consentText
      ? { id: consentText.id, version: consentText.version, body: consentText.body }
      : undefined,
    needsEmail: form.fields.includes('email'),
    needsPhone: form.fields.includes('phone'),
  };
}

/** `http://localhost:*` (any port), `https://*.example.com` (subdomains), or an exact origin. */
export function originAllowed(origin: string, patterns: string[]): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin) return false;
  return patterns.some((pattern) => {
    const m = /^(https?):\/\/(\*\.)?([^/:*]+)(?::(\d+|\*))?$/.exec(pattern);
    if (!m) return false;
    const [, scheme, wildcardHost, host, port] = m;
    if (url.protocol !== `${scheme}:`) return false;
    const hostOk = wildcardHost ? url.hostname.endsWith(`.${host}`) : url.hostname === host;
    const portOk = port === '*' || (port ?? '') === url.port;
    return hostOk && portOk;
  });
}

/** The CSP source list for `frame-ancestors`; CSP's own syntax takes these patterns as they are. */
export function frameAncestors(patterns: string[]): string {
  const valid = patterns.filter((p) => /^(https?):\/\/(\*\.)?[^/:*\s;,]+(?::(\d+|\*))?$/.test(p));
  return valid.length > 0 ? valid.join(' ') : "'none'";
}

export type SubmitOutcome =
  | { kind: 'invalid'; errors: Record<string, 'required' | 'invalid' | 'choose'> }
  | { kind: 'stale' }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | {
      kind: 'accepted';
      status: 'pending' | 'subscribed';
      events: string[];
      subscriptions: { category: string; channel: Channel; status: string }[];
    };

/** Per process (see rate-limit.ts): a burst from one visitor, one form, or at one address. */
export const EMBED_LIMITS = {
  ip: { limit: 20, windowMs: 10 * 60_000 },
  form: { limit: 1000, windowMs: 10 * 60_000 },
  address: { limit: 5, windowMs: 60 * 60_000 },
  /** Confirmation mails per address: a few a day at most, however often the form is sent. */
  confirmationMails: { limit: 3, windowMs: 24 * 60 * 60_000 },
} as const;

function addressKey(address: string): string {
  return createHash('sha256').update(address).digest('base64url');
}

/**
 * A visitor's submission. The same answer whether the address was known or not; a filled
 * honeypot gets the normal answer and stores nothing. Evidence: the form, the consent wording and
 * its version, the embedding origin the frame verified, the IP and user agent.
 */
export async function submitEmbedForm(
  input: {
    embed: EmbedForm;
    fields: Map<string, string>;
    ip?: string;
    userAgent?: string;
    locale: Locale;
    now?: Date;
  },
  database?: Db,
): Promise<SubmitOutcome> {
  const { embed, fields } = input;
  const now = input.now ?? new Date();
  if (
    !verifyFormToken(
      fields.get('form_token'),
      { workspaceId: embed.workspace.id, formId: embed.form.id },
      now,
    )
  ) {
    return { kind: 'stale' };
  }
  const chosen = embed.options.filter((o) => fields.get(o.key) === 'on');
  const errors: Record<string, 'required' | 'invalid' | 'choose'> = {};
  const rawEmail = (fields.get('email') ?? '').trim();
  const rawPhone = (fields.get('phone') ?? '').trim();
  const email = rawEmail ? emailSchema.safeParse(rawEmail) : undefined;
  const phone = rawPhone ? phoneSchema.safeParse(rawPhone) : undefined;
  if (email && !email.success) errors.email = 'invalid';
  if (phone && !phone.success) errors.phone = 'invalid';
  if (chosen.length === 0) errors.choices = 'choose';
  if (chosen.some((o) => o.channel === 'email') && !rawEmail) errors.email = 'required';
  if (chosen.some((o) => PHONE_CHANNELS.includes(o.channel)) && !rawPhone)
    errors.phone = 'required';
  if (!rawEmail && !rawPhone) errors[embed.needsEmail ? 'email' : 'phone'] = 'required';
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };

  const address = (email?.success ? email.data : undefined) ?? (phone?.success ? phone.data : '');
  for (const [key, limit] of [
    [`embed:ip:${input.ip ?? 'unknown'}`, EMBED_LIMITS.ip],
    [`embed:form:${embed.form.id}`, EMBED_LIMITS.form],
    [`embed:address:${addressKey(address)}`, EMBED_LIMITS.address],
  ] as const) {
    const answer = hit(key, limit.limit, limit.windowMs, now.getTime());
    if (!answer.allowed)
      return { kind: 'rate_limited', retryAfterSeconds: answer.retryAfterSeconds };
  }

  const pendingAnswer = (): SubmitOutcome => ({
    kind: 'accepted',
    status: chosen.some((o) => doubleOptIn(embed, o.channel)) ? 'pending' : 'subscribed',
    events: [],
    subscriptions: chosen.map((o) => ({
      category: o.categorySlug,
      channel: o.channel,
      status: doubleOptIn(embed, o.channel) ? 'pending' : 'subscribed',
    })),
  });
  // The honeypot: a field people never see. Bots fill it; they get the usual answer, nothing else.
  if ((fields.get('website') ?? '') !== '') return pendingAnswer();

  const dbh = database ?? (await getDb());
  const { subscriber } = await upsertSubscriber(
    embed.workspace.id,
    {
      ...(email?.success ? { email: email.data } : {}),
      ...(phone?.success ? { phone: phone.data } : {}),
      ...(fields.get('locale') ? { locale: input.locale } : {}),
    },
    dbh,
  ).catch(() => ({ subscriber: undefined }));
  // Two different subscribers hold this email and this phone: answer as usual, change nothing.
  if (!subscriber) return pendingAnswer();

  const origin = fields.get('embed_origin') ?? '';
  const verified = origin !== '' && originAllowed(origin, embed.allowedOrigins);
  const evidence: EvidenceData = {
    formId: embed.form.id,
    consentTextId: embed.consentText?.id,
    consentTextVersion: embed.consentText?.version,
    ...(verified ? { origin } : {}),
    ip: input.ip,
    userAgent: input.userAgent,
    detail: { originVerified: verified, form: embed.form.slug },
  };
  const changes: ConsentChange[] = chosen.map((o) => ({
    type: 'subscription',
    category: o.categoryId,
    channel: o.channel,
    status: doubleOptIn(embed, o.channel) ? 'pending' : 'subscribed',
  }));
  const sendMail =
    chosen.some((o) => o.channel === 'email' && doubleOptIn(embed, o.channel)) &&
    hit(
      `embed:mail:${addressKey(address)}`,
      EMBED_LIMITS.confirmationMails.limit,
      EMBED_LIMITS.confirmationMails.windowMs,
      now.getTime(),
    ).allowed;
  const sendText = chosen.some(
    (o) => PHONE_CHANNELS.includes(o.channel) && doubleOptIn(embed, o.channel),
  );
  const result = await applyConsentFor(
    {
      workspaceId: embed.workspace.id,
      subscriberId: subscriber.id,
      source: 'embed_form',
      changes,
      evidence,
      now,
      within: async (tx, [item]) => {
        if (!item?.ok || !item.changeId) return;
        const pending = item.events.some(
          (e) => (e.after as { status?: string }).status === 'pending',
        );
        if (!pending) return;
        const jobs = [];
        if (sendMail) {
          jobs.push({
            workspaceId: embed.workspace.id,
            kind: 'mail.double_opt_in',
            payload: { subscriberId: subscriber.id, changeId: item.changeId, locale: input.locale },
          });
        }
        if (sendText) {
          // The SMS provider's webhook (another surface) turns the reply YES into the confirmation.
          jobs.push({
            workspaceId: embed.workspace.id,
            kind: 'sms.double_opt_in',
            payload: { subscriberId: subscriber.id, changeId: item.changeId },
          });
        }
        if (jobs.length > 0) await insertJobs(tx, jobs);
      },
    },
    dbh,
  );
  const current = await loadSubscriptions(dbh, embed.workspace.id, [subscriber.id]);
  const subscriptions = chosen.map((o) => ({
    category: o.categorySlug,
    channel: o.channel,
    status:
      current.find((s) => s.categoryId === o.categoryId && s.channel === o.channel)?.status ??
      'none',
  }));
  return {
    kind: 'accepted',
    status: subscriptions.some((s) => s.status === 'pending') ? 'pending' : 'subscribed',
    events: result.ok ? result.events.map((e) => String(e.id)) : [],
    subscriptions,
  };
}

function doubleOptIn(embed: EmbedForm, channel: Channel): boolean {
  return embed.form.doubleOptIn[channel] === true;
}

export function confirmationToken(
  input: { workspaceId: string; subscriberId: string; changeId: string },
  now = new Date(),
): string {
  return signConfirmToken({ ...input, validForDays: config().pendingExpiryDays }, now);
}

export type ConfirmOutcome = 'confirmed' | 'already' | 'nothing_pending' | 'invalid';

/** What a confirmation link would confirm, for the page its GET shows (changes nothing). */
export async function pendingForConfirmation(token: string, database?: Db) {
  const claims = verifyConfirmToken(token);
  if (!claims) return undefined;
  const dbh = database ?? (await getDb());
  const [events, current, subscriber] = await Promise.all([
    loadChange(dbh, claims.workspaceId, claims.changeId),
    loadSubscriptions(dbh, claims.workspaceId, [claims.subscriberId]),
    findSubscriberById(dbh, claims.workspaceId, claims.subscriberId),
  ]);
  if (!subscriber) return undefined;
  const asked = events
    .filter(
      (e) =>
        e.subscriberId === claims.subscriberId &&
        e.type === 'subscription' &&
        (e.after as { status?: string }).status === 'pending',
    )
    .map((e) => ({
      categoryId: e.categoryId as string,
      channel: e.channel as Channel,
      frequency: (e.after as { frequency?: string }).frequency,
    }));
  const stillPending = asked.filter((a) =>
    current.some(
      (s) => s.categoryId === a.categoryId && s.channel === a.channel && s.status === 'pending',
    ),
  );
  const done = asked.filter((a) =>
    current.some(
      (s) => s.categoryId === a.categoryId && s.channel === a.channel && s.status === 'subscribed',
    ),
  );
  return { claims, subscriber, asked, stillPending, done };
}

/**
 * The POST behind the confirmation button: the subscriber's own explicit opt-in (source
 * `double_opt_in`), so it also lifts their own earlier opt-out of that channel. Opting out of
 * everything earlier is narrowed to the other channels, so only what they confirmed comes back.
 */
export async function confirmDoubleOptIn(
  input: { token: string; ip?: string; userAgent?: string },
  database?: Db,
): Promise<ConfirmOutcome> {
  const dbh = database ?? (await getDb());
  const found = await pendingForConfirmation(input.token, dbh);
  if (!found) return 'invalid';
  if (found.stillPending.length === 0) return found.done.length > 0 ? 'already' : 'nothing_pending';
  const outs = found.subscriber.globalOptOuts;
  const confirmed = new Set(found.stillPending.map((p) => p.channel));
  const changes: ConsentChange[] = [];
  if (outs.all) {
    for (const channel of ['email', 'sms', 'whatsapp', 'push'] as const) {
      if (!confirmed.has(channel) && !outs[channel])
        changes.push({ type: 'global_opt_out', channel });
    }
    changes.push({ type: 'global_opt_in', channel: 'all' });
  }
  for (const channel of confirmed)
    if (outs[channel]) changes.push({ type: 'global_opt_in', channel });
  for (const p of found.stillPending) {
    changes.push({
      type: 'subscription',
      category: p.categoryId,
      channel: p.channel,
      status: 'subscribed',
    });
  }
  const result = await applyConsentFor(
    {
      workspaceId: found.claims.workspaceId,
      subscriberId: found.claims.subscriberId,
      source: 'double_opt_in',
      changes,
      evidence: {
        ip: input.ip,
        userAgent: input.userAgent,
        detail: { confirms: found.claims.changeId },
      },
    },
    dbh,
  );
  return result.ok ? 'confirmed' : 'nothing_pending';
}

/** Pending consents never confirmed expire (source `expiry`), one set-based batch per workspace. */
export async function expirePendingConsents(
  now = new Date(),
  options: { workspaceId?: string } = {},
  database?: Db,
): Promise<number> {
  const dbh = database ?? (await getDb());
  const cutoff = new Date(now.getTime() - config().pendingExpiryDays * 86_400_000);
  const rows = await stalePending(dbh, cutoff, options.workspaceId);
  const byWorkspace = new Map<string, Map<string, ConsentChange[]>>();
  for (const row of rows) {
    const subs = byWorkspace.get(row.workspaceId) ?? new Map<string, ConsentChange[]>();
    const list = subs.get(row.subscriberId) ?? [];
    list.push({ type: 'expire_pending', category: row.categoryId, channel: row.channel });
    subs.set(row.subscriberId, list);
    byWorkspace.set(row.workspaceId, subs);
  }
  let expired = 0;
  for (const [workspaceId, subs] of byWorkspace) {
    const results = await applyConsent(
      {
        workspaceId,
        source: 'expiry',
        now,
        items: [...subs].map(([subscriberId, changes]) => ({ subscriberId, changes })),
      },
      dbh,
    );
    expired += results.reduce((n, r) => n + (r.ok ? r.events.length : 0), 0);
  }
  return expired;
}
