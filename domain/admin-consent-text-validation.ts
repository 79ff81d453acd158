import { z } from 'zod';
import { LOCALES } from './i18n';

/**
 * The consent text forms' schema, shared by the admin console's form (react-hook-form) and the
 * server actions that parse the same input. Only zod and pure data here: the browser loads it.
 */

export const CONSENT_TEXT_BODY_MAX = 2000;

export const consentTextKeySchema = z
  .string()
  .trim()
  .min(2, 'Use at least 2 characters.')
  .max(48, 'Use at most 48 characters.')
  .regex(
    /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    'Use lower-case letters, digits and dashes (not at either end), like marketing-consent.',
  )
  // `/consent-texts/new` is the page that creates one, so no text may be called that.
  .refine((key) => key !== 'new', 'That key is taken by the console itself. Choose another.');

/**
 * Plain text: line breaks are kept (one kind, `\n`, whatever the browser sent), nothing is
 * interpreted as markup; every surface shows it escaped.
 */
export const consentTextBodySchema = z
  .string()
  .transform((s) => s.replace(/\r\n?/g, '\n').trim())
  .pipe(
    z
      .string()
      .min(1, 'Write the wording people agree to.')
      .max(
        CONSENT_TEXT_BODY_MAX,
        `Keep the wording under ${CONSENT_TEXT_BODY_MAX.toLocaleString('en')} characters.`,
      ),
  );

/** A version of a consent text in one language: the first of a new text, or the next of one. */
export const consentTextVersionSchema = z.object({
  key: consentTextKeySchema,
  locale: z.enum(LOCALES, { message: 'Choose a language.' }),
  body: consentTextBodySchema,
});
export type ConsentTextVersionInput = z.infer<typeof consentTextVersionSchema>;
/** What the form holds before parsing (the body as typed). */
export type ConsentTextVersionFormValues = z.input<typeof consentTextVersionSchema>;
