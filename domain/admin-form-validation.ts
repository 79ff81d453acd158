import { z } from 'zod';
import type { Channel } from '@/db/schema';
import { LOCALES, type Locale, pick } from './i18n';

/**
 * The embedded form editor's schemas and rules, shared by the admin console's form
 * (react-hook-form), its live preview and the server actions. Only zod and pure data here: the
 * browser loads this module, so nothing from db/ beyond types.
 */

export const FORM_FIELDS = ['email', 'phone'] as const;
export type FormField = (typeof FORM_FIELDS)[number];

/** The channels a form can sign people up to: push has no address a form could ask for. */
export const FORM_CHANNELS = ['email', 'sms', 'whatsapp'] as const satisfies Channel[];
export type FormChannel = (typeof FORM_CHANNELS)[number];

/** The field a channel needs: a confirmation goes to that address. */
export const CHANNEL_FIELD: Record<FormChannel, FormField> = {
  email: 'email',
  sms: 'phone',
  whatsapp: 'phone',
};

export const FIELD_LABELS: Record<FormField, string> = {
  email: 'Email address',
  phone: 'Mobile number',
};

export const MAX_ORIGINS = 20;

export const formSlugSchema = z
  .string()
  .trim()
  .min(2, 'Use at least 2 characters.')
  .max(48, 'Use at most 48 characters.')
  .regex(
    /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    'Use lower-case letters, digits and dashes (not at either end), like newsletter.',
  );

const LOCAL_HOSTS = ['localhost', '127.0.0.1'];
const ORIGIN =
  /^(https?):\/\/(\*\.)?((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(?::(\d{1,5}|\*))?$/;

/**
 * One allowed-origin pattern as the embed matches it (domain/embed.ts, `originAllowed`):
 * `https://shop.example.com`, `https://shop.example.com:8443`, `https://*.example.com` (any
 * subdomain), and plain http only for this computer (`http://localhost:*`, any port). Answers
 * the pattern as stored (lower case, no trailing slash) or why it is refused.
 */
export function checkOrigin(
  raw: string,
): { ok: true; origin: string } | { ok: false; message: string } {
  const value = raw.trim().toLowerCase().replace(/\/$/, '');
  const shown = raw.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//.test(value))
    return {
      ok: false,
      message: `“${shown}” needs its scheme in front, like https://${value.replace(/^\/+/, '')}.`,
    };
  const withoutPath = /^([a-z]+:\/\/[^/?#]+)[/?#]/.exec(value)?.[1];
  if (withoutPath)
    return {
      ok: false,
      message: `“${shown}” has a path; an origin is only the scheme, host and port: ${withoutPath}.`,
    };
  const m = ORIGIN.exec(value);
  if (!m)
    return {
      ok: false,
      message: `“${shown}” is not an origin like https://shop.example.com, https://*.example.com or http://localhost:*.`,
    };
  const [, scheme, wildcard, host, port] = m;
  if (scheme === 'http' && !(LOCAL_HOSTS.includes(host ?? '') && !wildcard))
    return {
      ok: false,
      message: `“${shown}” uses http: only https sites may embed the form (http is for http://localhost:* while testing).`,
    };
  if (port && port !== '*' && (Number(port) < 1 || Number(port) > 65535))
    return { ok: false, message: `“${shown}” has a port outside 1–65535.` };
  if (wildcard && (host ?? '').split('.').length < 2)
    return {
      ok: false,
      message: `“${shown}” would allow a whole top-level domain; name the site, like https://*.example.com.`,
    };
  return { ok: true, origin: value };
}

/** The textarea's lines (or a list), each checked; duplicates and blank lines dropped. */
export function parseOrigins(input: string | readonly string[]) {
  const lines = typeof input === 'string' ? input.split(/[\r\n,]+/) : [...input];
  const origins: string[] = [];
  const problems: string[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const checked = checkOrigin(line);
    if (!checked.ok) problems.push(checked.message);
    else if (!origins.includes(checked.origin)) origins.push(checked.origin);
  }
  if (origins.length > MAX_ORIGINS)
    problems.push(
      `Allow at most ${MAX_ORIGINS} origins; use https://*.example.com for subdomains.`,
    );
  return { origins, problems };
}

const allowedOriginsSchema = z.union([z.string(), z.array(z.string())]).transform((value, ctx) => {
  const { origins, problems } = parseOrigins(value);
  for (const message of problems) ctx.addIssue({ code: 'custom', message });
  return origins;
});

export const ACCENT = /^#[0-9a-f]{6}$/i;

const formFields = {
  name: z
    .string({ message: 'Give the form a name.' })
    .trim()
    .min(1, 'Give the form a name.')
    .max(80, 'Keep the name under 80 characters.'),
  fields: z
    .array(z.enum(FORM_FIELDS), { message: 'Ask for an email address, a mobile number or both.' })
    .min(1, 'Ask for an email address, a mobile number or both.'),
  channels: z
    .array(z.enum(FORM_CHANNELS), { message: 'Choose at least one channel.' })
    .min(1, 'Choose at least one channel.'),
  categorySlugs: z
    .array(z.string(), { message: 'Offer at least one category.' })
    .min(1, 'Offer at least one category.'),
  consentTextKey: z
    .string({ message: 'Choose the consent text shown above the button.' })
    .trim()
    .min(1, 'Choose the consent text shown above the button.'),
  doubleOptIn: z.partialRecord(z.enum(FORM_CHANNELS), z.boolean()),
  allowedOrigins: allowedOriginsSchema,
  accentColor: z
    .string()
    .trim()
    .refine((v) => v === '' || ACCENT.test(v), {
      message: 'Use a colour like #4f46e5, or leave it empty for the workspace’s accent.',
    }),
  mode: z.enum(['light', 'dark'], { message: 'Choose light or dark.' }),
  successMessage: z.partialRecord(
    z.enum(LOCALES),
    z.string().trim().max(300, 'Keep the message under 300 characters.'),
  ),
};

type FormFieldValues = { fields: FormField[]; channels: FormChannel[] };

/** Each channel needs the field its messages go to. */
export function crossFieldIssues(value: FormFieldValues): { path: string[]; message: string }[] {
  const missing = value.channels.filter((c) => !value.fields.includes(CHANNEL_FIELD[c]));
  if (missing.length === 0) return [];
  const needsPhone = missing.some((c) => CHANNEL_FIELD[c] === 'phone');
  return [
    {
      path: ['channels'],
      message: needsPhone
        ? 'Text messages and WhatsApp need the mobile number field: add it, or untick them.'
        : 'Email needs the email address field: add it, or untick email.',
    },
  ];
}

function withCrossFieldRules<T extends z.ZodType<FormFieldValues>>(schema: T) {
  return schema.superRefine((value, ctx) => {
    for (const issue of crossFieldIssues(value)) ctx.addIssue({ code: 'custom', ...issue });
  });
}

export const formCreateSchema = withCrossFieldRules(
  z.object({ slug: formSlugSchema, ...formFields }),
);
export type FormCreateInput = z.output<typeof formCreateSchema>;

export const formUpdateSchema = withCrossFieldRules(
  z.object({ formId: z.uuid('No such form.'), ...formFields }),
);
export type FormUpdateInput = z.output<typeof formUpdateSchema>;

/** A category as the form editor offers it: active, marketing, with its texts. */
export type OfferableCategory = {
  slug: string;
  channels: Channel[];
  texts: Partial<Record<string, { name: string; description?: string }>>;
};

/** The workspace's consent texts: each key's current version per locale. */
export type ConsentTextChoice = {
  key: string;
  versions: { locale: string; version: number; body: string }[];
};

export type WorkspaceFormContext = {
  categories: OfferableCategory[];
  consentTexts: ConsentTextChoice[];
  defaultLocale: Locale;
};

const channelWords: Record<Channel, string> = {
  email: 'email',
  sms: 'text message',
  whatsapp: 'WhatsApp',
  push: 'push',
};

function orList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

export function categoryName(category: OfferableCategory, locale: Locale): string {
  return pick(category.texts, locale)?.name ?? category.slug;
}

/**
 * The rules that depend on the workspace: categories that exist, are in use and reach people on
 * one of the form's channels; a consent text that exists. The server applies them inside the
 * save's transaction; the form adds them to the same schema with `withWorkspaceRules`.
 */
export function workspaceIssues(
  value: { categorySlugs: string[]; channels: FormChannel[]; consentTextKey: string },
  context: WorkspaceFormContext,
): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  for (const slug of value.categorySlugs) {
    const category = context.categories.find((c) => c.slug === slug);
    if (!category) {
      issues.push({
        path: 'categorySlugs',
        message: `There is no marketing category “${slug}” in use in this workspace (it may be archived or transactional).`,
      });
      continue;
    }
    if (
      value.channels.length > 0 &&
      !category.channels.some((c) => (value.channels as Channel[]).includes(c))
    ) {
      const name = categoryName(category, context.defaultLocale);
      issues.push({
        path: 'categorySlugs',
        message: `“${name}” is sent by ${orList(category.channels.map((c) => channelWords[c]))}, and this form offers none of those channels: add one, or don’t offer it.`,
      });
    }
  }
  const key = value.consentTextKey.trim();
  if (key && !context.consentTexts.some((t) => t.key === key)) {
    issues.push({
      path: 'consentTextKey',
      message: `There is no consent text “${key}” in this workspace. Write it under Consent texts first.`,
    });
  }
  return issues;
}

export function withWorkspaceRules<
  T extends z.ZodType<{ categorySlugs: string[]; channels: FormChannel[]; consentTextKey: string }>,
>(schema: T, context: WorkspaceFormContext) {
  return schema.superRefine((value, ctx) => {
    for (const issue of workspaceIssues(value, context))
      ctx.addIssue({ code: 'custom', path: issue.path.split('.'), message: issue.message });
  });
}

/** The options a form shows, in its order: as domain/embed.ts's `loadEmbedForm` builds them. */
export function previewOptions(
  form: { categorySlugs: string[]; channels: readonly Channel[] },
  categories: OfferableCategory[],
  locale: Locale,
) {
  const options: { key: string; name: string; description?: string; channel: Channel }[] = [];
  for (const slug of form.categorySlugs) {
    const category = categories.find((c) => c.slug === slug);
    if (!category) continue;
    const text = pick(category.texts, locale);
    for (const channel of form.channels.filter((c) => category.channels.includes(c))) {
      options.push({
        key: `opt:${slug}:${channel}`,
        name: text?.name ?? slug,
        description: text?.description,
        channel,
      });
    }
  }
  return options;
}

/** The consent wording a form shows in a locale: as `loadEmbedForm` picks it. */
export function previewConsentText(choice: ConsentTextChoice | undefined, locale: Locale) {
  if (!choice) return undefined;
  const byLocale = new Map(choice.versions.map((v) => [v.locale, v]));
  return byLocale.get(locale) ?? byLocale.get('en') ?? choice.versions[0];
}

/** The loader tag a site pastes where the form should appear (DESIGN.md, Contract). */
export function embedSnippet(origin: string, workspaceSlug: string, formSlug: string): string {
  return `<script src="${origin.replace(/\/+$/, '')}/embed.js" data-workspace="${workspaceSlug}" data-form="${formSlug}" async></script>`;
}

/**
 * White text on the accent (the form's button) against WCAG's 4.5:1: a light accent makes the
 * button hard to read, so the editor warns about it.
 */
export function contrastWithWhite(hex: string): number {
  if (!ACCENT.test(hex)) return 21;
  const channel = (i: number) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05);
}
