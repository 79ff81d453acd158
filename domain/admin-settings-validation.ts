import { z } from 'zod';
import type { Channel, MailTextKind } from '@/db/schema';
import { LOCALE_NAMES, LOCALES, type Locale } from './i18n';

/**
 * The workspace settings forms' schemas, shared by the admin console's forms (react-hook-form)
 * and the server actions that parse the same input. Only zod and pure data here: the browser
 * loads this module, so nothing from db/ beyond types. One schema per section of the page: each
 * section saves on its own, so a mistake in one never holds back another.
 */

// The same lists as db/schema.ts's CHANNELS and MAIL_TEXT_KINDS, kept in step by `satisfies`.
export const SETTINGS_CHANNELS = ['email', 'sms', 'whatsapp', 'push'] as const satisfies Channel[];
export const MAIL_KINDS = [
  'optOutConfirmation',
  'preferencesLink',
  'doubleOptIn',
] as const satisfies MailTextKind[];

export const CHANNEL_NAMES: Record<Channel, string> = {
  email: 'Email',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  push: 'Push',
};

// --- small rules -------------------------------------------------------------------------------

const NO_LINE_BREAK = /^[^\r\n]*$/;
const EMAIL =
  /^[^\s@<>"',;:()[\]\\]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

const singleLine = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `Keep ${what} under ${max} characters.`)
    .regex(NO_LINE_BREAK, `Keep ${what} on one line.`);

const optionalEmail = (what: string) =>
  z
    .string()
    .trim()
    .max(254, `Keep ${what} under 254 characters.`)
    .refine((v) => v === '' || EMAIL.test(v), `Give ${what} as an address like news@example.com.`);

/** An https address of a page or an image, or nothing. */
export function isHttpsUrl(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.includes('.') && !url.username;
  } catch {
    return false;
  }
}

// --- colour ------------------------------------------------------------------------------------

/** WCAG's contrast ratio between a #rrggbb colour and white (1 to 21). */
export function contrastWithWhite(hex: string): number {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m?.[1]) return 1;
  const full = m[1];
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = Number.parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return 1.05 / (luminance + 0.05);
}

/** White button text needs at least this against the accent (WCAG AA for normal text). */
export const MIN_ACCENT_CONTRAST = 4.5;

export function accentColorIssue(value: string): string | undefined {
  if (value === '') return undefined;
  if (!/^#[0-9a-f]{6}$/i.test(value))
    return 'Give the colour as # and six hex digits, like #4f46e5.';
  const ratio = contrastWithWhite(value);
  if (ratio < MIN_ACCENT_CONTRAST)
    return `White text on ${value} is hard to read (contrast ${ratio.toFixed(1)}:1; buttons need at least ${MIN_ACCENT_CONTRAST}:1). Choose a darker colour.`;
  return undefined;
}

// --- link domain -------------------------------------------------------------------------------

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A hostname of at least two labels, not an IP address, no scheme, port or path. */
export function linkDomainIssue(value: string): string | undefined {
  if (value === '') return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /[/:?#@]/.test(value))
    return 'Give the domain alone, like links.example.com: no https://, port or path.';
  if (value.length > 253) return 'That domain is too long.';
  const labels = value.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)))
    return 'Give a domain like links.example.com (letters, digits and dashes between dots).';
  if (/^\d+$/.test(labels.at(-1) ?? '')) return 'Give a domain name, not an IP address.';
  return undefined;
}

// --- sections ----------------------------------------------------------------------------------

const SUPPORT_PHONE = /^\+?[0-9][0-9 ()-]{5,20}$/;

export const generalSettingsSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Give the workspace a name.')
    .max(120, 'Keep the name under 120 characters.')
    .regex(NO_LINE_BREAK, 'Keep the name on one line.'),
  postalAddress: z.string().trim().max(400, 'Keep the postal address under 400 characters.'),
  supportContact: singleLine(200, 'the support contact').refine(
    (v) => v === '' || EMAIL.test(v) || isHttpsUrl(v) || SUPPORT_PHONE.test(v),
    'Give an email address, a web page starting with https://, or a phone number.',
  ),
});
export type GeneralSettingsInput = z.infer<typeof generalSettingsSchema>;

export const brandingSettingsSchema = z.object({
  logoUrl: z
    .string()
    .trim()
    .max(500, 'Keep the logo address under 500 characters.')
    .refine(
      (v) => v === '' || isHttpsUrl(v),
      'Give the logo as a web address starting with https://, like https://example.com/logo.png.',
    ),
  accentColor: z
    .string()
    .trim()
    .toLowerCase()
    .superRefine((value, ctx) => {
      const issue = accentColorIssue(value);
      if (issue) ctx.addIssue({ code: 'custom', message: issue });
    }),
});
export type BrandingSettingsInput = z.infer<typeof brandingSettingsSchema>;

export const senderSettingsSchema = z.object({
  senderName: singleLine(80, 'the sender name'),
  fromAddress: optionalEmail('the From address'),
  replyTo: optionalEmail('the Reply-To address'),
});
export type SenderSettingsInput = z.infer<typeof senderSettingsSchema>;

export const linkDomainSettingsSchema = z.object({
  linkDomain: z
    .string()
    .trim()
    .toLowerCase()
    .transform((v) => v.replace(/\.$/, ''))
    .superRefine((value, ctx) => {
      const issue = linkDomainIssue(value);
      if (issue) ctx.addIssue({ code: 'custom', message: issue });
    }),
});
export type LinkDomainSettingsInput = z.infer<typeof linkDomainSettingsSchema>;

export const localeSettingsSchema = z
  .object({
    locales: z
      .array(z.enum(LOCALES), { message: 'Offer at least one language.' })
      .min(1, 'Offer at least one language.'),
    defaultLocale: z.enum(LOCALES, { message: 'Choose the default language.' }),
  })
  .superRefine((value, ctx) => {
    if (!value.locales.includes(value.defaultLocale))
      ctx.addIssue({
        code: 'custom',
        path: ['defaultLocale'],
        message: `The default language must be one you offer: tick ${LOCALE_NAMES[value.defaultLocale]} above or choose another default.`,
      });
  });
export type LocaleSettingsInput = z.infer<typeof localeSettingsSchema>;

export const policySettingsSchema = z.object({
  doubleOptIn: z.object({
    email: z.boolean(),
    sms: z.boolean(),
    whatsapp: z.boolean(),
    push: z.boolean(),
  }),
  confirmationMessages: z.boolean(),
  feedbackQuestion: z.boolean(),
});
export type PolicySettingsInput = z.infer<typeof policySettingsSchema>;

const E164 = /^\+[1-9]\d{6,14}$/;

/** Owner only. The token is write-only: empty keeps the stored one. */
export const smsSettingsSchema = z.object({
  smsNumber: z
    .string()
    .trim()
    .transform((v) => v.replace(/[\s().-]/g, ''))
    .refine(
      (v) => v === '' || E164.test(v),
      'Give the number in international form, like +14155550100.',
    ),
  twilioAuthToken: z
    .string()
    .trim()
    .refine(
      (v) => v === '' || (v.length >= 8 && v.length <= 200 && /^[\x21-\x7e]+$/.test(v)),
      'That does not look like a Twilio auth token (8 to 200 characters, no spaces).',
    ),
  clearTwilioAuthToken: z.boolean(),
});
export type SmsSettingsInput = z.infer<typeof smsSettingsSchema>;

// --- mail texts --------------------------------------------------------------------------------

export type Placeholder = { name: string; meaning: string };

const BRAND: Placeholder = {
  name: 'brand',
  meaning: 'the sender name (or the workspace name when there is none)',
};

/** What each mail may say with {{name}}; the links and buttons are added by Dial itself. */
export const MAIL_PLACEHOLDERS: Record<MailTextKind, Placeholder[]> = {
  optOutConfirmation: [
    BRAND,
    { name: 'what', meaning: 'what they unsubscribed from, like “Promotions by email”' },
    { name: 'days', meaning: 'how long the preferences link works, like “30 days”' },
  ],
  preferencesLink: [
    BRAND,
    { name: 'days', meaning: 'how long the preferences link works, like “30 days”' },
  ],
  doubleOptIn: [
    BRAND,
    { name: 'what', meaning: 'what they are confirming, like “Promotions by email”' },
    { name: 'days', meaning: 'how long the confirmation link works, like “7 days”' },
  ],
};

export const MAIL_LABELS: Record<MailTextKind, { name: string; when: string; button: string }> = {
  optOutConfirmation: {
    name: 'Unsubscribe confirmation',
    when: 'Sent after someone unsubscribes, when confirmation messages are on.',
    button:
      'Below your text Dial adds the button to their preferences page and, when the feedback question is on, the link to it.',
  },
  preferencesLink: {
    name: 'Link to preferences',
    when: 'Sent when someone asks for a link to manage their preferences.',
    button: 'Below your text Dial adds the button to their preferences page.',
  },
  doubleOptIn: {
    name: 'Double opt-in request',
    when: 'Sent after a signup that needs confirming, before anything else is sent.',
    button: 'Below your text Dial adds the “Yes, subscribe me” button.',
  },
};

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders a text uses that this mail does not offer. */
export function unknownPlaceholders(kind: MailTextKind, text: string): string[] {
  const allowed = new Set(MAIL_PLACEHOLDERS[kind].map((p) => p.name));
  const found = [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
  return [...new Set(found.filter((name) => !allowed.has(name)))];
}

/** Replaces each {{name}} with its value; the text is plain, so nothing here is markup. */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}

export const mailTextSchema = z
  .object({
    kind: z.enum(MAIL_KINDS, { message: 'No such mail.' }),
    locale: z.enum(LOCALES, { message: 'No such language.' }),
    subject: z
      .string()
      .trim()
      .min(1, 'Give the mail a subject.')
      .max(150, 'Keep the subject under 150 characters.')
      .regex(NO_LINE_BREAK, 'Keep the subject on one line.'),
    body: z
      .string()
      .trim()
      .min(1, 'Write the text of the mail.')
      .max(5000, 'Keep the text under 5,000 characters.'),
  })
  .superRefine((value, ctx) => {
    for (const field of ['subject', 'body'] as const) {
      const unknown = unknownPlaceholders(value.kind, value[field]);
      if (unknown.length === 0) continue;
      const allowed = MAIL_PLACEHOLDERS[value.kind].map((p) => `{{${p.name}}}`).join(', ');
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `This mail has no ${unknown.map((u) => `{{${u}}}`).join(', ')}. It may use ${allowed}.`,
      });
    }
  });
export type MailTextInput = z.infer<typeof mailTextSchema>;

export const mailTextResetSchema = z.object({
  kind: z.enum(MAIL_KINDS, { message: 'No such mail.' }),
  locale: z.enum(LOCALES, { message: 'No such language.' }),
});
export type MailTextResetInput = z.infer<typeof mailTextResetSchema>;

export function isMailKind(value: unknown): value is MailTextKind {
  return typeof value === 'string' && (MAIL_KINDS as readonly string[]).includes(value);
}

export type { Locale };
