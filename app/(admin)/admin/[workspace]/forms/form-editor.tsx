'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState, useTransition } from 'react';
import { type FieldPath, type Resolver, useForm } from 'react-hook-form';
import { CHANNEL_LABELS } from '@/domain/admin-category-validation';
import {
  ACCENT,
  CHANNEL_FIELD,
  type ConsentTextChoice,
  categoryName,
  contrastWithWhite,
  FIELD_LABELS,
  FORM_CHANNELS,
  FORM_FIELDS,
  type FormChannel,
  type FormField,
  formCreateSchema,
  formUpdateSchema,
  type OfferableCategory,
  parseOrigins,
  withWorkspaceRules,
} from '@/domain/admin-form-validation';
import { LOCALE_NAMES, type Locale } from '@/domain/i18n';
import { buttonPrimary, buttonSecondary, input, Notice, textLink } from '../../ui';
import { createFormAction, updateFormAction } from './actions';
import { FormPreview } from './form-preview';

export type FormEditorValues = {
  formId: string;
  slug: string;
  name: string;
  fields: FormField[];
  channels: FormChannel[];
  categorySlugs: string[];
  consentTextKey: string;
  doubleOptIn: Partial<Record<FormChannel, boolean>>;
  allowedOrigins: string;
  accentColor: string;
  mode: 'light' | 'dark';
  successMessage: Partial<Record<Locale, string>>;
};

const fieldError = 'text-red-700 text-sm dark:text-red-400';
const hint = 'text-slate-700 text-sm dark:text-slate-300';
const choice =
  'flex min-h-11 items-center gap-2 rounded-lg border border-slate-300 px-3 has-[:checked]:border-indigo-600 has-[:checked]:bg-indigo-50 has-[:focus-visible]:outline has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600 dark:border-slate-700 dark:has-[:checked]:bg-indigo-950';
const section = 'flex flex-col gap-2';
const legend = 'mb-1 font-semibold';

const DOUBLE_OPT_IN_WORDS: Record<FormChannel, string> = {
  email: 'Email: send a confirmation link first',
  sms: 'SMS: ask them to reply YES first',
  whatsapp: 'WhatsApp: ask them to reply YES first',
};

/**
 * Create or edit an embedded form, with its live preview beside it. Validated here with the
 * schema the server action parses with, plus the workspace's rules (categories and consent texts
 * that exist), which the server applies again inside the save.
 */
export function FormEditor({
  workspaceSlug,
  categories,
  consentTexts,
  locales,
  defaultLocale,
  workspaceAccent,
  doubleOptInRequired = {},
  initial,
}: {
  workspaceSlug: string;
  categories: OfferableCategory[];
  consentTexts: ConsentTextChoice[];
  locales: Locale[];
  defaultLocale: Locale;
  workspaceAccent: string;
  /** Channels the workspace's policy keeps on double opt-in, whatever the form says. */
  doubleOptInRequired?: Partial<Record<FormChannel, boolean>>;
  initial: FormEditorValues;
}) {
  const editing = Boolean(initial.formId);
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [problem, setProblem] = useState<string | null>(null);
  const context = { categories, consentTexts, defaultLocale };
  const schema = withWorkspaceRules(editing ? formUpdateSchema : formCreateSchema, context);
  const {
    register,
    handleSubmit,
    setError,
    setValue,
    watch,
    trigger,
    formState: { errors, isSubmitted },
  } = useForm<FormEditorValues>({
    // The edit schema has formId instead of slug, and turns the origins' lines into a list.
    resolver: zodResolver(schema) as unknown as Resolver<FormEditorValues>,
    defaultValues: initial,
  });
  const values = watch();
  // After a refused save, every message follows the edits (a category's channels, say, are
  // judged against other fields), and goes away once its cause is fixed.
  const snapshot = JSON.stringify(values);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `snapshot` stands for every value.
  useEffect(() => {
    if (!isSubmitted) return;
    trigger().then((valid) => {
      if (valid) setProblem(null);
    });
  }, [snapshot, isSubmitted, trigger]);
  const list = `/admin/${encodeURIComponent(workspaceSlug)}/forms`;

  const onSubmit = handleSubmit(
    (parsed) => {
      setProblem(null);
      startTransition(async () => {
        const result = editing
          ? await updateFormAction(workspaceSlug, parsed)
          : await createFormAction(workspaceSlug, parsed);
        if (result.ok) {
          router.push(
            `${list}/${encodeURIComponent(result.data.slug)}?saved=${result.data.changed ? '1' : '0'}`,
          );
          router.refresh();
          return;
        }
        for (const [path, message] of Object.entries(result.fieldErrors ?? {}))
          setError(path as FieldPath<FormEditorValues>, { message }, { shouldFocus: true });
        setProblem(result.message);
      });
    },
    () => setProblem('Check the fields marked below.'),
  );

  const describedBy = (id: string, error: unknown, extra?: string) =>
    [extra, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  const errorText = (id: string, message: string | undefined) =>
    message ? (
      <p id={`${id}-error`} className={fieldError}>
        {message}
      </p>
    ) : null;

  const chosenChannels = (values.channels ?? []).filter((c) =>
    (values.fields ?? []).includes(CHANNEL_FIELD[c]),
  );
  const selectedText = consentTexts.find((t) => t.key === values.consentTextKey);
  const accentOk = ACCENT.test(values.accentColor ?? '');
  const lowContrast = accentOk && contrastWithWhite(values.accentColor) < 4.5;
  const origins = parseOrigins(values.allowedOrigins ?? '');
  const workspaceBase = `/admin/${encodeURIComponent(workspaceSlug)}`;

  return (
    <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_minmax(0,24rem)]">
      <form onSubmit={onSubmit} noValidate className="flex min-w-0 flex-col gap-6">
        <a href="#preview-heading" className={`${textLink} self-start text-sm lg:hidden`}>
          See the preview
        </a>
        <div aria-live="polite" className="empty:hidden">
          {problem ? (
            <Notice tone="error">
              <p>{problem}</p>
            </Notice>
          ) : null}
        </div>

        <div className="flex flex-col gap-1">
          <label htmlFor="name" className="font-semibold">
            Name
          </label>
          <input
            id="name"
            autoComplete="off"
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={describedBy('name', errors.name, 'name-hint')}
            className={input}
            {...register('name')}
          />
          <p id="name-hint" className={hint}>
            For you and your team, like “Newsletter sign-up”; subscribers don’t see it.
          </p>
          {errorText('name', errors.name?.message)}
        </div>

        <div className="flex flex-col gap-1">
          <label htmlFor="slug" className="font-semibold">
            Slug
          </label>
          {editing ? (
            <>
              <input
                id="slug"
                readOnly
                aria-describedby="slug-hint"
                className={`${input} bg-slate-100 dark:bg-slate-800`}
                {...register('slug')}
              />
              <p id="slug-hint" className={hint}>
                It is in the snippet on your sites and in every consent given through this form, so
                it never changes.
              </p>
            </>
          ) : (
            <>
              <input
                id="slug"
                autoComplete="off"
                spellCheck={false}
                aria-invalid={errors.slug ? true : undefined}
                aria-describedby={describedBy('slug', errors.slug, 'slug-hint')}
                className={input}
                {...register('slug')}
              />
              <p id="slug-hint" className={hint}>
                Lower-case letters, digits and dashes, like newsletter. It goes in the snippet you
                paste on your site and cannot be changed later.
              </p>
              {errorText('slug', errors.slug?.message)}
            </>
          )}
        </div>

        <fieldset
          className={section}
          aria-describedby={describedBy('fields', errors.fields, 'fields-hint')}
        >
          <legend className={legend}>Fields to ask for</legend>
          <div className="grid gap-2 sm:grid-cols-2">
            {FORM_FIELDS.map((field) => (
              <label key={field} className={choice}>
                <input type="checkbox" value={field} {...register('fields')} />
                {FIELD_LABELS[field]}
              </label>
            ))}
          </div>
          <p id="fields-hint" className={hint}>
            Ask only for what the channels below need: an email address for email, a mobile number
            for SMS and WhatsApp.
          </p>
          {errorText('fields', errors.fields?.message)}
        </fieldset>

        <fieldset className={section} aria-describedby={describedBy('channels', errors.channels)}>
          <legend className={legend}>Channels</legend>
          <div className="grid gap-2 sm:grid-cols-3">
            {FORM_CHANNELS.map((channel) => (
              <label key={channel} className={choice}>
                <input type="checkbox" value={channel} {...register('channels')} />
                {CHANNEL_LABELS[channel]}
              </label>
            ))}
          </div>
          {errorText('channels', errors.channels?.message)}
        </fieldset>

        <fieldset
          className={section}
          aria-describedby={describedBy('categorySlugs', errors.categorySlugs, 'categories-hint')}
        >
          <legend className={legend}>Categories offered</legend>
          {categories.length === 0 ? (
            <p className={hint}>
              This workspace has no marketing categories in use yet.{' '}
              <Link href={`${workspaceBase}/categories/new`} className={textLink}>
                Create one
              </Link>{' '}
              first.
            </p>
          ) : (
            <ul className="flex flex-col gap-2">
              {categories.map((category) => {
                const reachable = category.channels.filter((c) =>
                  (chosenChannels as string[]).includes(c),
                );
                const name = categoryName(category, defaultLocale);
                return (
                  <li key={category.slug}>
                    <label className={`${choice} py-2`}>
                      <input type="checkbox" value={category.slug} {...register('categorySlugs')} />
                      <span className="flex min-w-0 flex-col">
                        <span>
                          {name} <code className="break-all text-sm">{category.slug}</code>
                        </span>
                        <span className="text-slate-700 text-sm dark:text-slate-300">
                          {reachable.length > 0
                            ? `Offered by ${reachable.map((c) => CHANNEL_LABELS[c]).join(', ')}`
                            : `Sent by ${category.channels.map((c) => CHANNEL_LABELS[c]).join(', ')}: none of this form’s channels`}
                        </span>
                      </span>
                    </label>
                  </li>
                );
              })}
            </ul>
          )}
          <p id="categories-hint" className={hint}>
            Each category shows one box per channel it shares with this form. Boxes are never ticked
            in advance: each subscriber ticks what they want.
          </p>
          {errorText('categorySlugs', errors.categorySlugs?.message)}
        </fieldset>

        <div className="flex flex-col gap-1">
          <label htmlFor="consentTextKey" className="font-semibold">
            Consent text
          </label>
          {consentTexts.length === 0 ? (
            <p className={hint}>
              This workspace has no consent texts yet.{' '}
              <Link href={`${workspaceBase}/consent-texts/new`} className={textLink}>
                Write one
              </Link>{' '}
              first.
            </p>
          ) : null}
          <select
            id="consentTextKey"
            aria-invalid={errors.consentTextKey ? true : undefined}
            aria-describedby={describedBy('consentTextKey', errors.consentTextKey, 'consent-hint')}
            className={`${input} sm:max-w-xs`}
            {...register('consentTextKey')}
          >
            <option value="">Choose a consent text</option>
            {consentTexts.map((text) => (
              <option key={text.key} value={text.key}>
                {text.key}
              </option>
            ))}
          </select>
          <div id="consent-hint" className={hint}>
            {selectedText ? (
              <p>
                Current:{' '}
                {selectedText.versions
                  .map(
                    (v) => `${LOCALE_NAMES[v.locale as Locale] ?? v.locale} version ${v.version}`,
                  )
                  .join(', ')}
                . The form always shows the current version, and each signup records the version it
                showed.
              </p>
            ) : (
              <p>Shown above the button; each signup records the version it showed.</p>
            )}
          </div>
          {errorText('consentTextKey', errors.consentTextKey?.message)}
        </div>

        <fieldset className={section} aria-describedby="double-hint">
          <legend className={legend}>Double opt-in</legend>
          {chosenChannels.length === 0 ? (
            <p className={hint}>Choose a channel first.</p>
          ) : (
            <div className="flex flex-col gap-2">
              {FORM_CHANNELS.filter((c) => chosenChannels.includes(c)).map((channel) => (
                <label key={channel} className={choice}>
                  <input
                    type="checkbox"
                    {...register(`doubleOptIn.${channel}`)}
                    {...(doubleOptInRequired[channel] ? { checked: true, disabled: true } : {})}
                  />
                  {DOUBLE_OPT_IN_WORDS[channel]}
                  {doubleOptInRequired[channel]
                    ? ' (always on: the workspace’s policy, in Settings)'
                    : ''}
                </label>
              ))}
            </div>
          )}
          <p id="double-hint" className={hint}>
            With double opt-in, a signup stays pending until the person confirms, which keeps out
            typos and bots. It is what most laws and mail providers expect.
          </p>
        </fieldset>

        <div className="flex flex-col gap-1">
          <label htmlFor="allowedOrigins" className="font-semibold">
            Sites allowed to show the form
          </label>
          <textarea
            id="allowedOrigins"
            rows={4}
            spellCheck={false}
            autoCapitalize="off"
            aria-invalid={errors.allowedOrigins ? true : undefined}
            aria-describedby={describedBy('allowedOrigins', errors.allowedOrigins, 'origins-hint')}
            className={`${input} py-2 font-mono text-sm`}
            {...register('allowedOrigins')}
          />
          <div id="origins-hint" className={`${hint} flex flex-col gap-1`}>
            <p>
              One origin a line: https://shop.example.com, https://shop.example.com:8443, or
              https://*.example.com for every subdomain. Use http://localhost:* only while testing
              on your own computer.
            </p>
            <p>
              Browsers show the form only inside pages of these sites, and a signup records which
              one it came from. Any other site gets nothing.
            </p>
          </div>
          {origins.origins.length === 0 && origins.problems.length === 0 ? (
            <p className="text-amber-800 text-sm dark:text-amber-300">
              No site yet: the form can’t be shown anywhere until you add one.
            </p>
          ) : null}
          {errorText('allowedOrigins', errors.allowedOrigins?.message)}
        </div>

        <fieldset className={section}>
          <legend className={legend}>Look</legend>
          <div className="flex flex-col gap-1">
            <label htmlFor="accentColor" className="text-sm">
              Accent colour (button and boxes)
            </label>
            <div className="flex items-center gap-2">
              <input
                id="accentColor"
                autoComplete="off"
                spellCheck={false}
                placeholder={workspaceAccent}
                aria-invalid={errors.accentColor ? true : undefined}
                aria-describedby={describedBy('accentColor', errors.accentColor, 'accent-hint')}
                className={`${input} font-mono sm:max-w-40`}
                {...register('accentColor')}
              />
              <input
                type="color"
                aria-label="Pick the accent colour"
                value={accentOk ? values.accentColor : workspaceAccent}
                onChange={(e) =>
                  setValue('accentColor', e.target.value, {
                    shouldDirty: true,
                    shouldValidate: true,
                  })
                }
                className="h-11 w-14 shrink-0 cursor-pointer rounded-lg border border-slate-400 bg-white p-1 dark:border-slate-600 dark:bg-slate-900"
              />
            </div>
            <p id="accent-hint" className={hint}>
              Like #0f766e. Leave it empty to use the workspace’s brand colour ({workspaceAccent}).
            </p>
            {lowContrast ? (
              <p className="text-amber-800 text-sm dark:text-amber-300">
                White text on this colour is hard to read (contrast{' '}
                {contrastWithWhite(values.accentColor).toFixed(1)}:1, below 4.5:1): choose a darker
                one.
              </p>
            ) : null}
            {errorText('accentColor', errors.accentColor?.message)}
          </div>
          <fieldset className="flex flex-col gap-1">
            <legend className="mb-1 text-sm">Background</legend>
            <div className="flex flex-col gap-2 sm:flex-row">
              {(['light', 'dark'] as const).map((mode) => (
                <label key={mode} className={`${choice} flex-1`}>
                  <input type="radio" value={mode} {...register('mode')} />
                  {mode === 'light' ? 'Light' : 'Dark'}
                </label>
              ))}
            </div>
          </fieldset>
        </fieldset>

        <fieldset className={section} aria-describedby="success-hint">
          <legend className={legend}>Success message</legend>
          <p id="success-hint" className={hint}>
            Shown once someone has signed up and a confirmation is on its way. Leave a language
            empty for Dial’s own words.
          </p>
          {locales.map((locale) => {
            const error = errors.successMessage?.[locale];
            return (
              <div key={locale} className="flex flex-col gap-1">
                <label htmlFor={`success-${locale}`} className="text-sm">
                  {LOCALE_NAMES[locale]}
                </label>
                <input
                  id={`success-${locale}`}
                  lang={locale}
                  autoComplete="off"
                  aria-invalid={error ? true : undefined}
                  aria-describedby={describedBy(`success-${locale}`, error)}
                  className={input}
                  {...register(`successMessage.${locale}`)}
                />
                {errorText(`success-${locale}`, error?.message)}
              </div>
            );
          })}
        </fieldset>

        <div className="flex flex-wrap gap-3">
          <button type="submit" className={buttonPrimary} disabled={pending}>
            {pending ? 'Saving…' : editing ? 'Save changes' : 'Create form'}
          </button>
          <Link href={list} className={buttonSecondary}>
            Cancel
          </Link>
        </div>
      </form>
      <div className="min-w-0 lg:sticky lg:top-4 lg:self-start">
        <FormPreview
          values={values}
          categories={categories}
          consentTexts={consentTexts}
          locales={locales}
          defaultLocale={defaultLocale}
          workspaceAccent={workspaceAccent}
        />
      </div>
    </div>
  );
}
