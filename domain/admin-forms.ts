import { type Db, type DbOrTx, db as getDb } from '@/db/client';
import {
  currentConsentTexts,
  findFormBySlug,
  insertForm,
  listForms,
  lockForm,
  updateForm,
} from '@/db/queries/admin-forms';
import { findWorkspaceById, listCategories } from '@/db/queries/workspaces';
import type { Channel, Form, FormTheme } from '@/db/schema';
import type { AdminActionContext } from './admin-actions';
import { type WorkspaceLocales, workspaceLocales } from './admin-categories';
import {
  type ConsentTextChoice,
  FORM_CHANNELS,
  type FormChannel,
  type FormCreateInput,
  type FormUpdateInput,
  formCreateSchema,
  formUpdateSchema,
  type OfferableCategory,
  type WorkspaceFormContext,
  workspaceIssues,
} from './admin-form-validation';
import { recordAudit } from './audit';
import { DomainError } from './errors';
import { isUniqueViolation } from './subscribers';
import { requiresDoubleOptIn } from './workspaces';

/**
 * Embedded forms as the admin console configures them (issue 7, item 5): what a form asks for,
 * which categories it offers (never pre-ticked: the embed renders every box empty), the consent
 * wording shown, double opt-in per channel, the sites allowed to frame it, its look and its
 * success message. Each command is a schema, the least role, and the change with its audit entry
 * in one transaction; the embed (domain/embed.ts) serves what is saved from the next request on.
 *
 * A form's slug never changes: it is in the snippet pasted on the business's sites, and consent
 * evidence names the form. Forms are not deleted here for the same reason.
 */

export const FORM_AUDIT = {
  create: 'form.create',
  update: 'form.update',
} as const;

export type FormEditorData = WorkspaceFormContext & {
  locales: WorkspaceLocales;
  /** The workspace's brand colour, which a form without its own accent uses. */
  workspaceAccent: string;
  /** The workspace's double opt-in policy: a new form starts from it. */
  doubleOptInDefaults: Partial<Record<FormChannel, boolean>>;
  /** Channels whose double opt-in the workspace's policy requires: no form can turn it off. */
  doubleOptInRequired: Partial<Record<FormChannel, boolean>>;
};

const DEFAULT_ACCENT = '#4f46e5';

/**
 * What the editor needs from the workspace: its active marketing categories (in their order),
 * the current version of each consent text per locale, its languages, accent and policy.
 */
export async function formEditorData(
  workspaceId: string,
  database?: DbOrTx,
): Promise<FormEditorData> {
  const dbh = database ?? (await getDb());
  const [workspace, categories, texts] = await Promise.all([
    findWorkspaceById(dbh, workspaceId),
    listCategories(dbh, workspaceId),
    currentConsentTexts(dbh, workspaceId),
  ]);
  if (!workspace) throw new DomainError('not_found', 'No such workspace.');
  const locales = workspaceLocales(workspace.settings);
  const consentTexts = new Map<string, ConsentTextChoice>();
  for (const row of texts) {
    const choice = consentTexts.get(row.key) ?? { key: row.key, versions: [] };
    choice.versions.push({ locale: row.locale, version: row.version, body: row.body });
    consentTexts.set(row.key, choice);
  }
  const order = (locale: string) => {
    const i = (locales.locales as string[]).indexOf(locale);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  for (const choice of consentTexts.values())
    choice.versions.sort((a, b) => order(a.locale) - order(b.locale));
  const policy = workspace.settings.policies?.doubleOptIn ?? {};
  const accent = workspace.settings.brand?.accentColor;
  return {
    categories: categories
      .filter((c) => c.kind === 'marketing' && c.archivedAt === null)
      .map((c): OfferableCategory => ({ slug: c.slug, channels: c.channels, texts: c.texts })),
    consentTexts: [...consentTexts.values()],
    defaultLocale: locales.defaultLocale,
    locales,
    workspaceAccent: accent && /^#[0-9a-f]{3,8}$/i.test(accent) ? accent : DEFAULT_ACCENT,
    doubleOptInDefaults: Object.fromEntries(FORM_CHANNELS.map((c) => [c, policy[c] !== false])),
    doubleOptInRequired: Object.fromEntries(
      FORM_CHANNELS.map((c) => [c, requiresDoubleOptIn(workspace, undefined, c)]),
    ),
  };
}

export type FormSummary = Pick<
  Form,
  | 'id'
  | 'slug'
  | 'name'
  | 'fields'
  | 'channels'
  | 'categorySlugs'
  | 'consentTextKey'
  | 'allowedOrigins'
>;

/** The list page: every form of the workspace, by name. */
export async function formsForAdmin(
  workspaceId: string,
  database?: DbOrTx,
): Promise<FormSummary[]> {
  const dbh = database ?? (await getDb());
  return (await listForms(dbh, workspaceId)).map((f) => ({
    id: f.id,
    slug: f.slug,
    name: f.name,
    fields: f.fields,
    channels: f.channels,
    categorySlugs: f.categorySlugs,
    consentTextKey: f.consentTextKey,
    allowedOrigins: f.allowedOrigins,
  }));
}

/** One form of the workspace by slug, or undefined (another workspace's too). */
export async function formForAdmin(workspaceId: string, slug: string, database?: DbOrTx) {
  const dbh = database ?? (await getDb());
  return findFormBySlug(dbh, workspaceId, slug);
}

/**
 * The editor's values for a saved form (the shape `formUpdateSchema` parses). A channel the form
 * does not offer yet starts from the workspace's double opt-in policy (`defaults`), so ticking it
 * later does not quietly turn confirmation off.
 */
export function editorValues(form: Form, defaults: Partial<Record<FormChannel, boolean>> = {}) {
  return {
    formId: form.id,
    slug: form.slug,
    name: form.name,
    fields: form.fields,
    channels: form.channels.filter((c): c is FormChannel =>
      (FORM_CHANNELS as readonly string[]).includes(c),
    ),
    categorySlugs: form.categorySlugs,
    consentTextKey: form.consentTextKey,
    doubleOptIn: Object.fromEntries(
      FORM_CHANNELS.map((c) => [
        c,
        form.channels.includes(c) ? form.doubleOptIn[c] === true : (defaults[c] ?? true),
      ]),
    ) as Record<FormChannel, boolean>,
    allowedOrigins: form.allowedOrigins.join('\n'),
    accentColor: form.theme.accentColor ?? '',
    mode: form.theme.mode ?? 'light',
    successMessage: form.successMessage,
  };
}

type Stored = Pick<
  Form,
  | 'name'
  | 'fields'
  | 'channels'
  | 'categorySlugs'
  | 'consentTextKey'
  | 'doubleOptIn'
  | 'allowedOrigins'
  | 'theme'
  | 'successMessage'
>;

/**
 * The row to store from valid input: categories in the workspace's order, double opt-in only for
 * the channels offered, success messages only in the workspace's languages (and non-empty), kept
 * where the form had one in a language the workspace no longer offers.
 */
function toStored(
  input: FormCreateInput | FormUpdateInput,
  data: FormEditorData,
  previous?: Form,
): Stored {
  const order = data.categories.map((c) => c.slug);
  const successMessage: Record<string, string> = Object.fromEntries(
    Object.entries(previous?.successMessage ?? {}).filter(
      ([locale]) => !(data.locales.locales as string[]).includes(locale),
    ),
  );
  for (const locale of data.locales.locales) {
    const text = input.successMessage[locale]?.trim();
    if (text) successMessage[locale] = text;
  }
  const theme: FormTheme = { mode: input.mode };
  if (input.accentColor) theme.accentColor = input.accentColor.toLowerCase();
  const channels = FORM_CHANNELS.filter((c) => input.channels.includes(c));
  return {
    name: input.name,
    fields: (['email', 'phone'] as const).filter((f) => input.fields.includes(f)),
    channels,
    categorySlugs: [...new Set(input.categorySlugs)].sort(
      (a, b) => order.indexOf(a) - order.indexOf(b),
    ),
    consentTextKey: input.consentTextKey,
    doubleOptIn: Object.fromEntries(channels.map((c) => [c, input.doubleOptIn[c] === true])),
    allowedOrigins: input.allowedOrigins,
    theme,
    successMessage,
  };
}

function requireWorkspaceRules(input: FormCreateInput | FormUpdateInput, data: FormEditorData) {
  const issues = workspaceIssues(input, data);
  if (issues.length > 0)
    throw new DomainError('validation', issues[0]?.message ?? 'Check the form.', {
      errors: issues,
    });
}

function slugTaken(slug: string) {
  const message = `This workspace already has a form “${slug}”. Choose another slug.`;
  return new DomainError('conflict', message, { errors: [{ path: 'slug', message }] });
}

export type FormSaved = { id: string; slug: string; changed: boolean };

async function create(
  input: FormCreateInput,
  context: AdminActionContext,
  database?: Db,
): Promise<FormSaved> {
  const dbh = database ?? (await getDb());
  try {
    return await dbh.transaction(async (tx) => {
      const data = await formEditorData(context.workspace.id, tx);
      requireWorkspaceRules(input, data);
      if (await findFormBySlug(tx, context.workspace.id, input.slug)) throw slugTaken(input.slug);
      const stored = toStored(input, data);
      const row = await insertForm(tx, {
        workspaceId: context.workspace.id,
        slug: input.slug,
        ...stored,
      });
      await recordAudit(tx, {
        workspaceId: context.workspace.id,
        adminId: context.admin.id,
        action: FORM_AUDIT.create,
        target: row.slug,
        detail: {
          name: stored.name,
          fields: stored.fields,
          channels: stored.channels,
          categories: stored.categorySlugs,
          consentText: stored.consentTextKey,
          doubleOptIn: stored.doubleOptIn,
          allowedOrigins: stored.allowedOrigins,
        },
        ip: context.ip,
      });
      return { id: row.id, slug: row.slug, changed: true };
    });
  } catch (error) {
    // Two admins creating the same slug at once: the unique index decides.
    if (isUniqueViolation(error)) throw slugTaken(input.slug);
    throw error;
  }
}

/** What an audit entry says of each changed part (the labels of the editor's sections). */
const PARTS: Record<keyof Stored, string> = {
  name: 'name',
  fields: 'fields',
  channels: 'channels',
  categorySlugs: 'categories',
  consentTextKey: 'consent text',
  doubleOptIn: 'double opt-in',
  allowedOrigins: 'allowed origins',
  theme: 'look',
  successMessage: 'success message',
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sortedEntries = (record: Record<string, string>) =>
  Object.entries(record).sort(([a], [b]) => a.localeCompare(b));

/** Whether a part is unchanged, with what older rows leave out read as its default. */
function sameStored(part: keyof Stored, next: Stored, before: Form): boolean {
  switch (part) {
    case 'doubleOptIn':
      return (next.channels as Channel[]).every(
        (c) => (before.doubleOptIn[c] === true) === (next.doubleOptIn[c] === true),
      );
    case 'theme':
      return (
        (before.theme.mode ?? 'light') === (next.theme.mode ?? 'light') &&
        (before.theme.accentColor ?? '') === (next.theme.accentColor ?? '')
      );
    case 'successMessage':
      return same(sortedEntries(before.successMessage), sortedEntries(next.successMessage));
    default:
      return same(before[part], next[part]);
  }
}

async function update(
  input: FormUpdateInput,
  context: AdminActionContext,
  database?: Db,
): Promise<FormSaved> {
  const dbh = database ?? (await getDb());
  return dbh.transaction(async (tx) => {
    const before = await lockForm(tx, context.workspace.id, input.formId);
    if (!before) throw new DomainError('not_found', 'No such form in this workspace.');
    const data = await formEditorData(context.workspace.id, tx);
    requireWorkspaceRules(input, data);
    const stored = toStored(input, data, before);
    const changed = (Object.keys(PARTS) as (keyof Stored)[]).filter(
      (part) => !sameStored(part, stored, before),
    );
    // Saving an unchanged form changes nothing, and so writes nothing (not even to the log).
    if (changed.length === 0) return { id: before.id, slug: before.slug, changed: false };
    await updateForm(tx, context.workspace.id, before.id, stored);
    const originsAdded = stored.allowedOrigins.filter((o) => !before.allowedOrigins.includes(o));
    const originsRemoved = before.allowedOrigins.filter((o) => !stored.allowedOrigins.includes(o));
    await recordAudit(tx, {
      workspaceId: context.workspace.id,
      adminId: context.admin.id,
      action: FORM_AUDIT.update,
      target: before.slug,
      detail: {
        changed: changed.map((part) => PARTS[part]),
        ...(originsAdded.length ? { originsAdded } : {}),
        ...(originsRemoved.length ? { originsRemoved } : {}),
        ...(changed.includes('categorySlugs')
          ? { categories: { from: before.categorySlugs, to: stored.categorySlugs } }
          : {}),
        ...(changed.includes('consentTextKey')
          ? { consentText: { from: before.consentTextKey, to: stored.consentTextKey } }
          : {}),
        ...(changed.includes('doubleOptIn')
          ? { doubleOptIn: { from: before.doubleOptIn, to: stored.doubleOptIn } }
          : {}),
      },
      ip: context.ip,
    });
    return { id: before.id, slug: before.slug, changed: true };
  });
}

/** The commands, as `adminAction(command.spec, command.run)` and `runAdminAction` take them. */
export const createFormCommand = {
  spec: { schema: formCreateSchema, role: 'editor' as const },
  run: (input: FormCreateInput, context: AdminActionContext) => create(input, context),
};
export const updateFormCommand = {
  spec: { schema: formUpdateSchema, role: 'editor' as const },
  run: (input: FormUpdateInput, context: AdminActionContext) => update(input, context),
};
