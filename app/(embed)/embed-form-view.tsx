import type { ReactNode } from 'react';
import { messages } from '@/app/(subscriber)/messages';
import type { Locale } from '@/domain/i18n';
import { embedMessages } from './embed-messages';

/**
 * How an embedded form looks, apart from where its data comes from: the iframe page renders it
 * from the saved form, and the admin console's live preview from the editor's unsaved values, so
 * the preview is the form as subscribers see it. No server-only import here (the preview is a
 * client component).
 */

const DEFAULT_ACCENT = '#4f46e5';

export function embedAccent(formAccent?: string, workspaceAccent?: string): string {
  return (
    [formAccent, workspaceAccent].find((c) => c && /^#[0-9a-f]{3,8}$/i.test(c)) ?? DEFAULT_ACCENT
  );
}

/** The form's theme and accent around its content; `main` inside the iframe, a `div` elsewhere. */
export function EmbedTheme({
  accent,
  dark,
  as: Element = 'main',
  children,
}: {
  accent: string;
  dark: boolean;
  as?: 'main' | 'div';
  children: ReactNode;
}) {
  return (
    <div
      className={dark ? 'dark' : 'light'}
      style={{ ['--accent' as string]: accent, colorScheme: dark ? 'dark' : 'light' }}
    >
      <Element className="flex flex-col gap-4 bg-white p-4 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
        {children}
      </Element>
    </div>
  );
}

export type EmbedOptionView = {
  key: string;
  name: string;
  description?: string;
  channel: 'email' | 'sms' | 'whatsapp' | 'push';
};

const inputClass =
  'min-h-11 w-full rounded-lg border border-slate-300 bg-white px-3 text-slate-900 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100';

/**
 * The fields, the boxes (never pre-ticked unless the visitor ticked them before an error), the
 * consent wording and the button. In a preview the button sends nothing and there is no
 * honeypot; `idPrefix` keeps its ids apart from the page around it.
 */
export function EmbedFormFields({
  locale,
  needsEmail,
  needsPhone,
  options,
  consentText,
  preview = false,
  idPrefix = '',
  values = {},
  errors = new Map(),
}: {
  locale: Locale;
  needsEmail: boolean;
  needsPhone: boolean;
  options: EmbedOptionView[];
  consentText?: string;
  preview?: boolean;
  idPrefix?: string;
  values?: { email?: string; phone?: string; chosen?: Set<string> };
  errors?: Map<string, string>;
}) {
  const t = embedMessages(locale);
  const what = messages(locale).what;
  const id = (name: string) => `${idPrefix}${name}`;
  const emailError =
    errors.get('email') === 'invalid'
      ? t.invalidEmail
      : errors.get('email')
        ? t.required
        : undefined;
  const phoneError =
    errors.get('phone') === 'invalid'
      ? t.invalidPhone
      : errors.get('phone')
        ? t.required
        : undefined;
  return (
    <>
      {needsEmail ? (
        <label className="flex flex-col gap-1">
          <span className="font-medium">{t.email}</span>
          <input
            type="email"
            name="email"
            autoComplete={preview ? 'off' : 'email'}
            inputMode="email"
            defaultValue={values.email ?? ''}
            aria-invalid={emailError ? true : undefined}
            aria-describedby={emailError ? id('email-error') : undefined}
            className={inputClass}
          />
          {emailError ? (
            <span id={id('email-error')} className="text-red-700 text-sm dark:text-red-400">
              {emailError}
            </span>
          ) : null}
        </label>
      ) : null}
      {needsPhone ? (
        <label className="flex flex-col gap-1">
          <span className="font-medium">{t.phone}</span>
          <input
            type="tel"
            name="phone"
            autoComplete={preview ? 'off' : 'tel'}
            inputMode="tel"
            defaultValue={values.phone ?? ''}
            aria-invalid={phoneError ? true : undefined}
            aria-describedby={
              phoneError ? `${id('phone-error')} ${id('phone-hint')}` : id('phone-hint')
            }
            className={inputClass}
          />
          <span id={id('phone-hint')} className="text-slate-600 text-sm dark:text-slate-400">
            {t.phoneHint}
          </span>
          {phoneError ? (
            <span id={id('phone-error')} className="text-red-700 text-sm dark:text-red-400">
              {phoneError}
            </span>
          ) : null}
        </label>
      ) : null}
      <fieldset
        className="flex flex-col gap-1"
        aria-describedby={errors.has('choices') ? id('choices-error') : undefined}
      >
        <legend className="mb-1 font-medium">{t.choose}</legend>
        {options.map((o) => (
          <label key={o.key} className="flex min-h-11 items-start gap-3 py-1">
            <input
              type="checkbox"
              name={o.key}
              defaultChecked={values.chosen?.has(o.key) ?? false}
              className="mt-0.5 size-5 shrink-0 accent-[var(--accent)]"
            />
            <span className="flex flex-col">
              <span>{what.categoryOn(o.name, o.channel)}</span>
              {o.description ? (
                <span className="text-slate-600 text-sm dark:text-slate-400">{o.description}</span>
              ) : null}
            </span>
          </label>
        ))}
        {errors.has('choices') ? (
          <span id={id('choices-error')} className="text-red-700 text-sm dark:text-red-400">
            {t.chooseOne}
          </span>
        ) : null}
      </fieldset>
      {preview ? null : (
        // A field people never see; bots fill it in.
        <div aria-hidden="true" className="absolute -left-[10000px] h-px w-px overflow-hidden">
          <label>
            {t.honeypot}
            <input type="text" name="website" tabIndex={-1} autoComplete="off" defaultValue="" />
          </label>
        </div>
      )}
      {consentText ? (
        <p className="text-slate-600 text-sm dark:text-slate-400">{consentText}</p>
      ) : null}
      <button
        type={preview ? 'button' : 'submit'}
        className="inline-flex min-h-11 items-center justify-center rounded-lg bg-[var(--accent)] px-4 py-2.5 font-semibold text-white hover:opacity-90 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-[var(--accent)]"
      >
        {t.submit}
      </button>
    </>
  );
}
