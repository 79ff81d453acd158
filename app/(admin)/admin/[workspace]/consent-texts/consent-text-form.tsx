'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { type FieldPath, useForm } from 'react-hook-form';
import {
  CONSENT_TEXT_BODY_MAX,
  type ConsentTextVersionFormValues,
  type ConsentTextVersionInput,
  consentTextVersionSchema,
} from '@/domain/admin-consent-text-validation';
import { LOCALE_NAMES, type Locale } from '@/domain/i18n';
import { buttonPrimary, buttonSecondary, input, Notice } from '../../ui';
import { createConsentTextAction, writeConsentTextVersionAction } from './actions';

const fieldError = 'text-red-700 text-sm dark:text-red-400';
const hint = 'text-slate-700 text-sm dark:text-slate-300';

/**
 * A new consent text (key and its first version) or the next version of one. Validated here with
 * the schema the server action parses with, and again on the server. Each save is a new version;
 * nothing already written changes.
 */
export function ConsentTextForm({
  workspaceSlug,
  locales,
  defaultLocale,
  textKey,
  latest = {},
}: {
  workspaceSlug: string;
  locales: Locale[];
  defaultLocale: Locale;
  /** The text a version is written for; absent when creating a text. */
  textKey?: string;
  /** The current wording per locale, to start the next version from. */
  latest?: Partial<Record<Locale, { version: number; body: string }>>;
}) {
  const adding = Boolean(textKey);
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [problem, setProblem] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    setValue,
    getFieldState,
    watch,
    formState: { errors },
  } = useForm<ConsentTextVersionFormValues, unknown, ConsentTextVersionInput>({
    resolver: zodResolver(consentTextVersionSchema),
    defaultValues: {
      key: textKey ?? '',
      locale: defaultLocale,
      body: latest[defaultLocale]?.body ?? '',
    },
  });
  const locale = watch('locale') as Locale;
  const body = watch('body') ?? '';
  const base = `/admin/${encodeURIComponent(workspaceSlug)}/consent-texts`;
  const back = textKey ? `${base}/${encodeURIComponent(textKey)}` : base;
  const current = latest[locale];

  const onSubmit = handleSubmit(
    (values) => {
      setProblem(null);
      startTransition(async () => {
        const result = adding
          ? await writeConsentTextVersionAction(workspaceSlug, values)
          : await createConsentTextAction(workspaceSlug, values);
        if (result.ok) {
          const { key, locale: l, version } = result.data;
          router.push(`${base}/${encodeURIComponent(key)}?saved=${l}-${version}`);
          return;
        }
        for (const [path, message] of Object.entries(result.fieldErrors ?? {}))
          setError(
            path as FieldPath<ConsentTextVersionFormValues>,
            { message },
            { shouldFocus: true },
          );
        setProblem(result.message);
      });
    },
    () => setProblem('Check the fields marked below.'),
  );

  const describedBy = (id: string, error: unknown, extra?: string) =>
    [extra, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;

  const localeField = register('locale', {
    // Start from the chosen language's current wording, unless something was typed already.
    onChange: (event: { target: { value: string } }) => {
      if (!getFieldState('body').isDirty)
        setValue('body', latest[event.target.value as Locale]?.body ?? '');
    },
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-2xl flex-col gap-6">
      <div aria-live="polite" className="empty:hidden">
        {problem ? (
          <Notice tone="error">
            <p>{problem}</p>
          </Notice>
        ) : null}
      </div>

      <div className="flex flex-col gap-1">
        <label htmlFor="key" className="font-medium">
          Key
        </label>
        {adding ? (
          <input
            id="key"
            readOnly
            className={`${input} bg-slate-100 dark:bg-slate-800`}
            {...register('key')}
          />
        ) : (
          <>
            <input
              id="key"
              autoComplete="off"
              spellCheck={false}
              aria-invalid={errors.key ? true : undefined}
              aria-describedby={describedBy('key', errors.key, 'key-hint')}
              className={input}
              {...register('key')}
            />
            <p id="key-hint" className={hint}>
              Lower-case letters, digits and dashes, like marketing-consent. Forms name the text by
              it; it cannot be changed later.
            </p>
            {errors.key ? (
              <p id="key-error" className={fieldError}>
                {errors.key.message}
              </p>
            ) : null}
          </>
        )}
      </div>

      <div className="flex flex-col gap-1">
        <label htmlFor="locale" className="font-medium">
          Language
        </label>
        <select
          id="locale"
          aria-invalid={errors.locale ? true : undefined}
          aria-describedby={describedBy('locale', errors.locale, 'locale-hint')}
          className={`${input} sm:max-w-xs`}
          {...localeField}
        >
          {locales.map((l) => (
            <option key={l} value={l}>
              {LOCALE_NAMES[l]}
            </option>
          ))}
        </select>
        <p id="locale-hint" className={hint}>
          {current
            ? `Now at version ${current.version}; saving writes version ${current.version + 1}.`
            : 'No wording in this language yet; saving writes version 1.'}
        </p>
        {errors.locale ? (
          <p id="locale-error" className={fieldError}>
            {errors.locale.message}
          </p>
        ) : null}
      </div>

      <div className="flex flex-col gap-1">
        <label htmlFor="body" className="font-medium">
          Wording
        </label>
        <textarea
          id="body"
          lang={locale}
          rows={6}
          maxLength={CONSENT_TEXT_BODY_MAX}
          aria-invalid={errors.body ? true : undefined}
          aria-describedby={describedBy('body', errors.body, 'body-hint')}
          className={`${input} py-2`}
          {...register('body')}
        />
        <p id="body-hint" className={hint}>
          Plain text; line breaks are kept. What people see next to the opt-in, word for word. Up to{' '}
          {CONSENT_TEXT_BODY_MAX.toLocaleString('en')} characters ({body.length} so far).
        </p>
        {errors.body ? (
          <p id="body-error" className={fieldError}>
            {errors.body.message}
          </p>
        ) : null}
      </div>

      <p className={hint}>
        Versions already written stay exactly as they are, readable for as long as the workspace
        exists: consent people gave names the version they saw.
      </p>

      <div className="flex flex-wrap gap-3">
        <button type="submit" className={buttonPrimary} disabled={pending}>
          {pending ? 'Saving…' : adding ? 'Save new version' : 'Create consent text'}
        </button>
        <Link href={back} className={buttonSecondary}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
