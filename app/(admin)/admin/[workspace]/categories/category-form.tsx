'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { type FieldPath, type Resolver, useForm } from 'react-hook-form';
import {
  CATEGORY_CHANNELS,
  CATEGORY_FREQUENCIES,
  type CategoryCreateInput,
  CHANNEL_LABELS,
  categoryCreateSchema,
  categoryUpdateSchema,
  FREQUENCY_LABELS,
  withWorkspaceLocales,
} from '@/domain/admin-category-validation';
import { LOCALE_NAMES, type Locale } from '@/domain/i18n';
import { buttonPrimary, buttonSecondary, input, Notice } from '../../ui';
import { createCategoryAction, updateCategoryAction } from './actions';

type FormValues = CategoryCreateInput & { categoryId: string };

const fieldError = 'text-red-700 text-sm dark:text-red-400';
const hint = 'text-slate-700 text-sm dark:text-slate-300';
const choice =
  'flex min-h-11 items-center gap-2 rounded-lg border border-slate-300 px-3 has-[:checked]:border-indigo-600 has-[:checked]:bg-indigo-50 has-[:focus-visible]:outline has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600 dark:border-slate-700 dark:has-[:checked]:bg-indigo-950';

/**
 * Create or edit a category. Validated here with the schema the server action parses with (plus
 * the workspace's default-locale rule, which the server applies too), and again on the server.
 */
export function CategoryForm({
  workspaceSlug,
  locales,
  defaultLocale,
  initial,
  kindLocked,
}: {
  workspaceSlug: string;
  locales: Locale[];
  defaultLocale: Locale;
  /** The category being edited; absent when creating one. */
  initial?: FormValues;
  /** The category has history: its kind may not change (domain/admin-categories.ts). */
  kindLocked?: boolean;
}) {
  const editing = Boolean(initial);
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [problem, setProblem] = useState<string | null>(null);
  const schema = withWorkspaceLocales(
    editing ? categoryUpdateSchema : categoryCreateSchema,
    defaultLocale,
  );
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<FormValues>({
    // The edit schema has categoryId instead of slug; both parse the same shared fields.
    resolver: zodResolver(schema) as unknown as Resolver<FormValues>,
    defaultValues: initial ?? {
      categoryId: '',
      slug: '',
      kind: 'marketing',
      texts: Object.fromEntries(locales.map((l) => [l, { name: '', description: '' }])),
      channels: ['email'],
      frequencies: ['instant'],
      defaultFrequency: 'instant',
    },
  });
  const list = `/admin/${encodeURIComponent(workspaceSlug)}/categories`;

  const onSubmit = handleSubmit(
    (values) => {
      setProblem(null);
      startTransition(async () => {
        const result = editing
          ? await updateCategoryAction(workspaceSlug, values)
          : await createCategoryAction(workspaceSlug, values);
        if (result.ok) {
          router.push(`${list}?saved=${encodeURIComponent(result.data.slug)}`);
          return;
        }
        for (const [path, message] of Object.entries(result.fieldErrors ?? {}))
          setError(path as FieldPath<FormValues>, { message }, { shouldFocus: true });
        setProblem(result.message);
      });
    },
    () => setProblem('Check the fields marked below.'),
  );

  const describedBy = (id: string, error: unknown, extra?: string) =>
    [extra, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;

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
        <label htmlFor="slug" className="font-medium">
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
              Senders use it in checks and the API; it never changes.
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
              Lower-case letters, digits and dashes, like weekly-digest. Senders use it in checks
              and the API; it cannot be changed later.
            </p>
            {errors.slug ? (
              <p id="slug-error" className={fieldError}>
                {errors.slug.message}
              </p>
            ) : null}
          </>
        )}
      </div>

      <fieldset
        className="flex flex-col gap-2"
        aria-describedby={describedBy('kind', errors.kind, 'kind-hint')}
      >
        <legend className="mb-1 font-medium">Kind</legend>
        <div className="flex flex-col gap-2 sm:flex-row">
          {(['marketing', 'transactional'] as const).map((kind) => (
            <label
              key={kind}
              className={`${choice} flex-1 has-[:disabled]:cursor-not-allowed has-[:disabled]:opacity-60`}
            >
              <input
                type="radio"
                value={kind}
                disabled={kindLocked && initial?.kind !== kind}
                {...register('kind')}
              />
              {kind === 'marketing' ? 'Marketing' : 'Transactional'}
            </label>
          ))}
        </div>
        <p id="kind-hint" className={hint}>
          {kindLocked
            ? 'People already have subscriptions or consent history with this category, so its kind stays as it is. For another kind, create a new category and archive this one.'
            : 'Marketing needs each subscriber’s opt-in. Transactional (orders, security) is always on and cannot be opted out of.'}
        </p>
        {errors.kind ? (
          <p id="kind-error" className={fieldError}>
            {errors.kind.message}
          </p>
        ) : null}
      </fieldset>

      {locales.map((locale) => {
        const nameError = errors.texts?.[locale]?.name;
        const descriptionError = errors.texts?.[locale]?.description;
        const required = locale === defaultLocale;
        return (
          <fieldset key={locale} className="flex flex-col gap-3">
            <legend className="mb-1 font-medium">
              {LOCALE_NAMES[locale]}
              {required ? ' (default language, required)' : ' (optional)'}
            </legend>
            <div className="flex flex-col gap-1">
              <label htmlFor={`name-${locale}`} className="text-sm">
                Name
              </label>
              <input
                id={`name-${locale}`}
                lang={locale}
                aria-required={required || undefined}
                aria-invalid={nameError ? true : undefined}
                aria-describedby={describedBy(`name-${locale}`, nameError)}
                className={input}
                {...register(`texts.${locale}.name`)}
              />
              {nameError ? (
                <p id={`name-${locale}-error`} className={fieldError}>
                  {nameError.message}
                </p>
              ) : null}
            </div>
            <div className="flex flex-col gap-1">
              <label htmlFor={`description-${locale}`} className="text-sm">
                Description
              </label>
              <textarea
                id={`description-${locale}`}
                lang={locale}
                rows={2}
                aria-invalid={descriptionError ? true : undefined}
                aria-describedby={describedBy(`description-${locale}`, descriptionError)}
                className={`${input} py-2`}
                {...register(`texts.${locale}.description`)}
              />
              {descriptionError ? (
                <p id={`description-${locale}-error`} className={fieldError}>
                  {descriptionError.message}
                </p>
              ) : null}
            </div>
          </fieldset>
        );
      })}

      <fieldset
        className="flex flex-col gap-2"
        aria-describedby={errors.channels ? 'channels-error' : undefined}
      >
        <legend className="mb-1 font-medium">Channels offered</legend>
        <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
          {CATEGORY_CHANNELS.map((channel) => (
            <label key={channel} className={choice}>
              <input type="checkbox" value={channel} {...register('channels')} />
              {CHANNEL_LABELS[channel]}
            </label>
          ))}
        </div>
        {errors.channels ? (
          <p id="channels-error" className={fieldError}>
            {errors.channels.message}
          </p>
        ) : null}
      </fieldset>

      <fieldset
        className="flex flex-col gap-2"
        aria-describedby={errors.frequencies ? 'frequencies-error' : undefined}
      >
        <legend className="mb-1 font-medium">Frequencies subscribers may choose</legend>
        <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
          {CATEGORY_FREQUENCIES.map((frequency) => (
            <label key={frequency} className={choice}>
              <input type="checkbox" value={frequency} {...register('frequencies')} />
              {FREQUENCY_LABELS[frequency]}
            </label>
          ))}
        </div>
        {errors.frequencies ? (
          <p id="frequencies-error" className={fieldError}>
            {errors.frequencies.message}
          </p>
        ) : null}
      </fieldset>

      <div className="flex flex-col gap-1">
        <label htmlFor="defaultFrequency" className="font-medium">
          Default frequency
        </label>
        <select
          id="defaultFrequency"
          aria-invalid={errors.defaultFrequency ? true : undefined}
          aria-describedby={describedBy(
            'defaultFrequency',
            errors.defaultFrequency,
            'defaultFrequency-hint',
          )}
          className={`${input} sm:max-w-xs`}
          {...register('defaultFrequency')}
        >
          {CATEGORY_FREQUENCIES.map((frequency) => (
            <option key={frequency} value={frequency}>
              {FREQUENCY_LABELS[frequency]}
            </option>
          ))}
        </select>
        <p id="defaultFrequency-hint" className={hint}>
          What a new subscriber gets until they choose; one of the frequencies above.
        </p>
        {errors.defaultFrequency ? (
          <p id="defaultFrequency-error" className={fieldError}>
            {errors.defaultFrequency.message}
          </p>
        ) : null}
      </div>

      <div className="flex flex-wrap gap-3">
        <button type="submit" className={buttonPrimary} disabled={pending}>
          {pending ? 'Saving…' : editing ? 'Save changes' : 'Create category'}
        </button>
        <Link href={list} className={buttonSecondary}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
