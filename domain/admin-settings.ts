import { type Db, type DbOrTx, db as getDb } from '@/db/client';
import {
  findWorkspaceSettings,
  lockWorkspaceSettings,
  writeWorkspaceSettings,
} from '@/db/queries/admin-settings';
import { listCategories } from '@/db/queries/workspaces';
import type { MailText, MailTextKind, WorkspaceSettings } from '@/db/schema';
import { config } from '@/platform/config';
import type { AdminActionContext } from './admin-actions';
import {
  type BrandingSettingsInput,
  brandingSettingsSchema,
  type GeneralSettingsInput,
  generalSettingsSchema,
  type LinkDomainSettingsInput,
  type LocaleSettingsInput,
  linkDomainSettingsSchema,
  localeSettingsSchema,
  MAIL_KINDS,
  type MailTextInput,
  type MailTextResetInput,
  mailTextResetSchema,
  mailTextSchema,
  type PolicySettingsInput,
  policySettingsSchema,
  SETTINGS_CHANNELS,
  type SenderSettingsInput,
  type SmsSettingsInput,
  senderSettingsSchema,
  smsSettingsSchema,
} from './admin-settings-validation';
import { recordAudit } from './audit';
import { DomainError } from './errors';
import { isLocale, LOCALES, type Locale, pick } from './i18n';
import { linkOrigin } from './links';
import {
  defaultMailText,
  describeOptOuts,
  doubleOptInRequest,
  mailTextOverride,
  optOutConfirmation,
  preferencesLink,
  type RenderedMail,
} from './mail-templates';

/**
 * Workspace settings as the admin console changes them (issue 7, item 2). The page has one form
 * per section; each saves through its own command: a schema, the least role, and a change that
 * locks the workspace row, merges into what is stored (a save of one section never undoes a
 * concurrent save of another), writes, and records what changed in the audit log, all in one
 * transaction. Saving an unchanged section writes nothing, not even to the log.
 *
 * The Twilio auth token is a secret: owners only, write-only (the page learns "set" or "not
 * set", never the value), and the audit entry says that it was set, replaced or cleared, never
 * what it is.
 */

export const SETTINGS_AUDIT = {
  general: 'settings.general',
  branding: 'settings.branding',
  sender: 'settings.sender',
  linkDomain: 'settings.link_domain',
  locales: 'settings.locales',
  policies: 'settings.policies',
  sms: 'settings.sms',
  mailText: 'settings.mail_text',
  mailTextReset: 'settings.mail_text_reset',
} as const;

export type SettingsSaved = { changed: boolean };

type Locked = NonNullable<Awaited<ReturnType<typeof lockWorkspaceSettings>>>;

/** What a section's save writes, and the audit entry's detail (empty: nothing changed). */
type Plan = {
  values: Partial<{
    name: string;
    settings: WorkspaceSettings;
    smsNumber: string | null;
    twilioAuthToken: string | null;
  }>;
  detail: Record<string, unknown>;
  target?: string;
};

async function change(
  context: AdminActionContext,
  action: string,
  plan: (current: Locked) => Plan,
  database?: Db,
): Promise<SettingsSaved> {
  const dbh = database ?? (await getDb());
  return dbh.transaction(async (tx) => {
    const current = await lockWorkspaceSettings(tx, context.workspace.id);
    if (!current) throw new DomainError('not_found', 'No such workspace.');
    const { values, detail, target } = plan(current);
    if (Object.keys(detail).length === 0) return { changed: false };
    await writeWorkspaceSettings(tx, context.workspace.id, values);
    await recordAudit(tx, {
      workspaceId: context.workspace.id,
      adminId: context.admin.id,
      action,
      target: target ?? null,
      detail,
      ip: context.ip,
    });
    return { changed: true };
  });
}

/** `{ field: { from, to } }` for each field whose value differs ('' and absent are the same). */
function changes(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after)) {
    const from = blankToNull(before[key]);
    const to = blankToNull(after[key]);
    if (JSON.stringify(from) !== JSON.stringify(to)) out[key] = { from, to };
  }
  return out;
}

function blankToNull(value: unknown): unknown {
  return value === '' || value === undefined ? null : value;
}

/** The settings with these keys set, or removed where the value is empty. */
function merged<T extends object>(base: T, patch: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === '' || value === undefined || value === null) delete out[key];
    else out[key] = value;
  }
  return out as T;
}

// --- the sections --------------------------------------------------------------------------

function saveGeneral(input: GeneralSettingsInput, context: AdminActionContext, database?: Db) {
  return change(
    context,
    SETTINGS_AUDIT.general,
    (current) => {
      const detail = changes(
        {
          name: current.name,
          postalAddress: current.settings.postalAddress,
          supportContact: current.settings.supportContact,
        },
        input,
      );
      return {
        values: {
          name: input.name,
          settings: merged(current.settings, {
            postalAddress: input.postalAddress,
            supportContact: input.supportContact,
          }),
        },
        detail,
      };
    },
    database,
  );
}

function saveBranding(input: BrandingSettingsInput, context: AdminActionContext, database?: Db) {
  return change(
    context,
    SETTINGS_AUDIT.branding,
    (current) => {
      const brand = merged(current.settings.brand ?? {}, input);
      return {
        values: { settings: merged(current.settings, { brand: isEmpty(brand) ? null : brand }) },
        detail: changes(
          {
            logoUrl: current.settings.brand?.logoUrl,
            accentColor: current.settings.brand?.accentColor,
          },
          input,
        ),
      };
    },
    database,
  );
}

function isEmpty(value: object): boolean {
  return Object.keys(value).length === 0;
}

function saveSender(input: SenderSettingsInput, context: AdminActionContext, database?: Db) {
  return change(
    context,
    SETTINGS_AUDIT.sender,
    (current) => ({
      values: { settings: merged(current.settings, input) },
      detail: changes(
        {
          senderName: current.settings.senderName,
          fromAddress: current.settings.fromAddress,
          replyTo: current.settings.replyTo,
        },
        input,
      ),
    }),
    database,
  );
}

function saveLinkDomain(
  input: LinkDomainSettingsInput,
  context: AdminActionContext,
  database?: Db,
) {
  const dialHost = new URL(config().baseUrl).hostname;
  if (input.linkDomain && input.linkDomain === dialHost)
    throw new DomainError('validation', 'That is Dial’s own address: links already use it.', {
      errors: [
        {
          path: 'linkDomain',
          message: `${dialHost} is Dial’s own address. Give a domain of your own, or leave the field empty.`,
        },
      ],
    });
  return change(
    context,
    SETTINGS_AUDIT.linkDomain,
    (current) => ({
      values: { settings: merged(current.settings, input) },
      detail: changes({ linkDomain: current.settings.linkDomain }, input),
    }),
    database,
  );
}

function saveLocales(input: LocaleSettingsInput, context: AdminActionContext, database?: Db) {
  // Stored in Dial's order, whatever order the boxes were ticked in.
  const locales = LOCALES.filter((l) => input.locales.includes(l));
  return change(
    context,
    SETTINGS_AUDIT.locales,
    (current) => {
      const before = workspaceLocaleSettings(current.settings);
      return {
        values: {
          settings: merged(current.settings, { locales, defaultLocale: input.defaultLocale }),
        },
        detail: changes(before, { locales, defaultLocale: input.defaultLocale }),
      };
    },
    database,
  );
}

/** The workspace's policies with Dial's defaults filled in (as mail-jobs reads them). */
export function workspacePolicies(settings: WorkspaceSettings): PolicySettingsInput {
  const p = settings.policies ?? {};
  return {
    doubleOptIn: Object.fromEntries(
      SETTINGS_CHANNELS.map((c) => [c, p.doubleOptIn?.[c] === true]),
    ) as PolicySettingsInput['doubleOptIn'],
    confirmationMessages: p.confirmationMessages !== false,
    feedbackQuestion: p.feedbackQuestion !== false,
  };
}

function savePolicies(input: PolicySettingsInput, context: AdminActionContext, database?: Db) {
  return change(
    context,
    SETTINGS_AUDIT.policies,
    (current) => {
      const before = workspacePolicies(current.settings);
      const detail: Record<string, unknown> = {};
      for (const channel of SETTINGS_CHANNELS) {
        if (before.doubleOptIn[channel] !== input.doubleOptIn[channel])
          detail[`doubleOptIn.${channel}`] = {
            from: before.doubleOptIn[channel],
            to: input.doubleOptIn[channel],
          };
      }
      Object.assign(
        detail,
        changes(
          {
            confirmationMessages: before.confirmationMessages,
            feedbackQuestion: before.feedbackQuestion,
          },
          {
            confirmationMessages: input.confirmationMessages,
            feedbackQuestion: input.feedbackQuestion,
          },
        ),
      );
      return {
        values: { settings: merged(current.settings, { policies: input }) },
        detail,
      };
    },
    database,
  );
}

function saveSms(input: SmsSettingsInput, context: AdminActionContext, database?: Db) {
  return change(
    context,
    SETTINGS_AUDIT.sms,
    (current) => {
      const values: Plan['values'] = {};
      const detail: Record<string, unknown> = {};
      const number = input.smsNumber || null;
      if (number !== current.smsNumber) {
        values.smsNumber = number;
        detail.smsNumber = { from: current.smsNumber, to: number };
      }
      // The token's value goes to the row, and only what happened to it to the log.
      if (input.twilioAuthToken) {
        values.twilioAuthToken = input.twilioAuthToken;
        detail.twilioAuthToken = current.twilioAuthTokenSet ? 'replaced' : 'set';
      } else if (input.clearTwilioAuthToken && current.twilioAuthTokenSet) {
        values.twilioAuthToken = null;
        detail.twilioAuthToken = 'cleared';
      }
      return { values, detail };
    },
    database,
  );
}

function saveMailText(input: MailTextInput, context: AdminActionContext, database?: Db) {
  return change(
    context,
    SETTINGS_AUDIT.mailText,
    (current) => {
      const before =
        mailTextOverride(current, input.kind, input.locale) ??
        defaultMailText(input.kind, input.locale);
      const text: MailText = { subject: input.subject, body: normalizeBody(input.body) };
      const fields = (['subject', 'body'] as const).filter((f) => before[f] !== text[f]);
      // The same text again (Dial's default, saved untouched, included) changes nothing.
      if (fields.length === 0) return { values: {}, detail: {} };
      return {
        values: {
          settings: withMailText(current.settings, input.kind, input.locale, text),
        },
        detail: { kind: input.kind, locale: input.locale, fields },
        target: `${input.kind}.${input.locale}`,
      };
    },
    database,
  );
}

function resetMailText(input: MailTextResetInput, context: AdminActionContext, database?: Db) {
  return change(
    context,
    SETTINGS_AUDIT.mailTextReset,
    (current) => {
      if (!mailTextOverride(current, input.kind, input.locale)) return { values: {}, detail: {} };
      return {
        values: {
          settings: withMailText(current.settings, input.kind, input.locale, undefined),
        },
        detail: { kind: input.kind, locale: input.locale },
        target: `${input.kind}.${input.locale}`,
      };
    },
    database,
  );
}

function normalizeBody(body: string): string {
  return body.replace(/\r\n?/g, '\n');
}

function withMailText(
  settings: WorkspaceSettings,
  kind: MailTextKind,
  locale: Locale,
  text: MailText | undefined,
): WorkspaceSettings {
  const all = { ...(settings.mailTexts ?? {}) };
  const byLocale = { ...(all[kind] ?? {}) };
  if (text) byLocale[locale] = text;
  else delete byLocale[locale];
  if (isEmpty(byLocale)) delete all[kind];
  else all[kind] = byLocale;
  return merged(settings, { mailTexts: isEmpty(all) ? null : all });
}

// --- reading -------------------------------------------------------------------------------

export function workspaceLocaleSettings(settings: WorkspaceSettings): LocaleSettingsInput {
  const defaultLocale = isLocale(settings.defaultLocale) ? settings.defaultLocale : 'en';
  const offered = (settings.locales ?? []).filter(isLocale);
  const locales = LOCALES.filter((l) => offered.includes(l) || l === defaultLocale);
  return { locales, defaultLocale };
}

export type MailTextStatus = { kind: MailTextKind; locale: Locale; own: boolean };

/** Everything the settings page shows. Secrets stay behind: the token is only "set" or not. */
export async function settingsForAdmin(workspaceId: string, database?: DbOrTx) {
  const dbh = database ?? (await getDb());
  const row = await findWorkspaceSettings(dbh, workspaceId);
  if (!row) return undefined;
  const s = row.settings;
  const locales = workspaceLocaleSettings(s);
  return {
    slug: row.slug,
    general: {
      name: row.name,
      postalAddress: s.postalAddress ?? '',
      supportContact: s.supportContact ?? '',
    } satisfies GeneralSettingsInput,
    branding: {
      logoUrl: s.brand?.logoUrl ?? '',
      accentColor: s.brand?.accentColor ?? '',
    } satisfies BrandingSettingsInput,
    sender: {
      senderName: s.senderName ?? '',
      fromAddress: s.fromAddress ?? '',
      replyTo: s.replyTo ?? '',
    } satisfies SenderSettingsInput,
    linkDomain: { linkDomain: s.linkDomain ?? '' } satisfies LinkDomainSettingsInput,
    locales,
    policies: workspacePolicies(s),
    sms: { smsNumber: row.smsNumber ?? '', twilioAuthTokenSet: Boolean(row.twilioAuthTokenSet) },
    mailTexts: MAIL_KINDS.flatMap((kind) =>
      LOCALES.map(
        (locale): MailTextStatus => ({
          kind,
          locale,
          own: Boolean(mailTextOverride({ name: row.name, settings: s }, kind, locale)),
        }),
      ),
    ),
    /** Where a link domain's CNAME points: the host of Dial's own address. */
    dialHost: new URL(config().baseUrl).hostname,
    defaultSender: `no-reply@${new URL(config().baseUrl).hostname}`,
  };
}

/** One mail's text for its edit page: the workspace's own, or Dial's default, and a preview. */
export async function mailTextForAdmin(
  workspaceId: string,
  kind: MailTextKind,
  locale: Locale,
  database?: DbOrTx,
) {
  const dbh = database ?? (await getDb());
  const row = await findWorkspaceSettings(dbh, workspaceId);
  if (!row) return undefined;
  const workspace = { name: row.name, settings: row.settings };
  const own = mailTextOverride(workspace, kind, locale);
  const text = own ?? defaultMailText(kind, locale);
  return {
    own: Boolean(own),
    text,
    defaults: defaultMailText(kind, locale),
    preview: await renderPreview(workspaceId, { kind, locale, ...text }, dbh),
  };
}

/**
 * The mail as a subscriber would get it with this text: sample links on the workspace's link
 * domain, and "what" named after one of its own categories.
 */
export async function renderPreview(
  workspaceId: string,
  input: MailTextInput,
  database?: DbOrTx,
): Promise<RenderedMail> {
  const dbh = database ?? (await getDb());
  const row = await findWorkspaceSettings(dbh, workspaceId);
  if (!row) throw new DomainError('not_found', 'No such workspace.');
  const text: MailText = { subject: input.subject, body: normalizeBody(input.body) };
  const workspace = {
    name: row.name,
    settings: withMailText(row.settings, input.kind, input.locale, text),
  };
  const categories = await listCategories(dbh, workspaceId);
  const sample = categories.find((c) => c.kind === 'marketing' && c.archivedAt === null);
  const categoryName = sample
    ? (pick(sample.texts, input.locale)?.name ?? humanize(sample.slug))
    : sampleCategory[input.locale];
  const what = describeOptOuts(input.locale, [
    { type: 'subscription', categoryName, channel: 'email' },
  ]);
  const origin = linkOrigin(workspace);
  const policies = workspacePolicies(row.settings);
  switch (input.kind) {
    case 'optOutConfirmation':
      return optOutConfirmation({
        workspace,
        locale: input.locale,
        what,
        preferencesUrl: `${origin}/p/example`,
        feedbackUrl: policies.feedbackQuestion ? `${origin}/u/example/done` : undefined,
      });
    case 'preferencesLink':
      return preferencesLink({
        workspace,
        locale: input.locale,
        preferencesUrl: `${origin}/p/example`,
      });
    case 'doubleOptIn':
      return doubleOptInRequest({
        workspace,
        locale: input.locale,
        what,
        confirmUrl: `${origin}/c/example`,
      });
  }
}

/** `product-news` → `Product news`, as the mails name a category with no name of its own. */
function humanize(slug: string): string {
  const words = slug.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const sampleCategory: Record<Locale, string> = {
  en: 'Newsletter',
  es: 'Boletín',
  fr: 'Lettre d’information',
  de: 'Newsletter',
};

// --- the commands --------------------------------------------------------------------------

/** The commands, as `adminAction(command.spec, command.run)` and `runAdminAction` take them. */
export const saveGeneralSettingsCommand = {
  spec: { schema: generalSettingsSchema, role: 'editor' as const },
  run: (input: GeneralSettingsInput, context: AdminActionContext) => saveGeneral(input, context),
};
export const saveBrandingSettingsCommand = {
  spec: { schema: brandingSettingsSchema, role: 'editor' as const },
  run: (input: BrandingSettingsInput, context: AdminActionContext) => saveBranding(input, context),
};
export const saveSenderSettingsCommand = {
  spec: { schema: senderSettingsSchema, role: 'editor' as const },
  run: (input: SenderSettingsInput, context: AdminActionContext) => saveSender(input, context),
};
export const saveLinkDomainSettingsCommand = {
  spec: { schema: linkDomainSettingsSchema, role: 'editor' as const },
  run: (input: LinkDomainSettingsInput, context: AdminActionContext) =>
    saveLinkDomain(input, context),
};
export const saveLocaleSettingsCommand = {
  spec: { schema: localeSettingsSchema, role: 'editor' as const },
  run: (input: LocaleSettingsInput, context: AdminActionContext) => saveLocales(input, context),
};
export const savePolicySettingsCommand = {
  spec: { schema: policySettingsSchema, role: 'editor' as const },
  run: (input: PolicySettingsInput, context: AdminActionContext) => savePolicies(input, context),
};
/** Owners only: the Twilio auth token proves inbound SMS are Twilio's. */
export const saveSmsSettingsCommand = {
  spec: { schema: smsSettingsSchema, role: 'owner' as const },
  run: (input: SmsSettingsInput, context: AdminActionContext) => saveSms(input, context),
};
export const saveMailTextCommand = {
  spec: { schema: mailTextSchema, role: 'editor' as const },
  run: (input: MailTextInput, context: AdminActionContext) => saveMailText(input, context),
};
export const resetMailTextCommand = {
  spec: { schema: mailTextResetSchema, role: 'editor' as const },
  run: (input: MailTextResetInput, context: AdminActionContext) => resetMailText(input, context),
};
/** Anyone who may read the settings may preview a draft; nothing is written. */
export const previewMailTextCommand = {
  spec: { schema: mailTextSchema, role: 'viewer' as const },
  run: async (input: MailTextInput, context: AdminActionContext) => {
    const mail = await renderPreview(context.workspace.id, input);
    return { subject: mail.subject, text: mail.text, html: mail.html };
  },
};
