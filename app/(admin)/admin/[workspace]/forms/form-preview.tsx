'use client';

import { useId, useState } from 'react';
import { EmbedFormFields, EmbedTheme, embedAccent } from '@/app/(embed)/embed-form-view';
import { embedMessages } from '@/app/(embed)/embed-messages';
import {
  ACCENT,
  type ConsentTextChoice,
  type FormChannel,
  type FormField,
  type OfferableCategory,
  previewConsentText,
  previewOptions,
} from '@/domain/admin-form-validation';
import { LOCALE_NAMES, type Locale, pick } from '@/domain/i18n';
import { input } from '../../ui';

export type PreviewValues = {
  fields: FormField[];
  channels: FormChannel[];
  categorySlugs: string[];
  consentTextKey: string;
  accentColor: string;
  mode: 'light' | 'dark';
  successMessage: Partial<Record<Locale, string>>;
};

/**
 * The form as subscribers see it, drawn by the same component as the embed (app/(embed)), from
 * the editor's current values, saved or not. Its button sends nothing: there is no form element
 * and no form token here, so no signup can start from the preview.
 */
export function FormPreview({
  values,
  categories,
  consentTexts,
  locales,
  defaultLocale,
  workspaceAccent,
  live = true,
}: {
  /** Following the editor's unsaved values (true), or showing the saved form to a viewer. */
  live?: boolean;
  values: PreviewValues;
  categories: OfferableCategory[];
  consentTexts: ConsentTextChoice[];
  locales: Locale[];
  defaultLocale: Locale;
  workspaceAccent: string;
}) {
  const [locale, setLocale] = useState<Locale>(defaultLocale);
  const languageId = useId();
  const fields = values.fields ?? [];
  const channels = (values.channels ?? []).filter((c) =>
    fields.includes(c === 'email' ? 'email' : 'phone'),
  );
  const options = previewOptions(
    { categorySlugs: values.categorySlugs ?? [], channels },
    categories,
    locale,
  );
  const text = previewConsentText(
    consentTexts.find((t) => t.key === values.consentTextKey),
    locale,
  );
  const accent = embedAccent(
    ACCENT.test(values.accentColor ?? '') ? values.accentColor : undefined,
    workspaceAccent,
  );
  const dark = values.mode === 'dark';
  const success =
    pick(values.successMessage ?? {}, locale)?.trim() || embedMessages(locale).pending;
  return (
    <section aria-labelledby="preview-heading" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="flex flex-col gap-1">
          <h2 id="preview-heading" className="font-semibold text-lg">
            Preview
          </h2>
          <p className="text-slate-700 text-sm dark:text-slate-300">
            {live
              ? 'As subscribers see it, with your unsaved changes. Nothing is sent from here.'
              : 'As subscribers see it. Nothing is sent from here.'}
          </p>
        </div>
        {locales.length > 1 ? (
          <div className="flex flex-col gap-1">
            <label htmlFor={languageId} className="text-sm">
              Preview language
            </label>
            <select
              id={languageId}
              value={locale}
              onChange={(e) => setLocale(e.target.value as Locale)}
              className={`${input} w-auto`}
            >
              {locales.map((l) => (
                <option key={l} value={l}>
                  {LOCALE_NAMES[l]}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>
      <div
        data-testid="form-preview"
        lang={locale}
        className="w-full max-w-[420px] overflow-hidden rounded-lg border border-slate-300 dark:border-slate-700"
      >
        <EmbedTheme accent={accent} dark={dark} as="div">
          {fields.length === 0 ? (
            <p className="text-slate-600 text-sm dark:text-slate-400">
              Choose the fields to ask for to see the form.
            </p>
          ) : (
            <div className="flex flex-col gap-4">
              <EmbedFormFields
                key={`${locale}:${options.map((o) => o.key).join(',')}`}
                locale={locale}
                needsEmail={fields.includes('email')}
                needsPhone={fields.includes('phone')}
                options={options}
                consentText={text?.body}
                preview
                idPrefix="preview-"
              />
            </div>
          )}
        </EmbedTheme>
      </div>
      <div className="flex flex-col gap-1">
        <h3 className="font-medium text-sm">
          After signing up, while a confirmation is on its way
        </h3>
        <div
          lang={locale}
          className="w-full max-w-[420px] overflow-hidden rounded-lg border border-slate-300 dark:border-slate-700"
        >
          <EmbedTheme accent={accent} dark={dark} as="div">
            <p className="font-medium text-lg">{success}</p>
          </EmbedTheme>
        </div>
      </div>
    </section>
  );
}
