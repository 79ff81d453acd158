'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import { type FieldPath, type Resolver, useForm } from 'react-hook-form';
import { type ImportMappingInput, importMappingSchema } from '@/domain/import-csv';
import { buttonSecondary, input, Notice } from '../../../ui';
import { previewImportAction } from '../actions';

const fieldError = 'text-red-700 text-sm dark:text-red-400';

type CategoryOption = { slug: string; channels: { value: string; label: string }[] };

/**
 * Which column of the file holds the email, phone, external id and language, and which holds each
 * category x channel's consent. Checked here with the schema the action parses with; the action
 * then reruns the dry run and the page shows the new preview.
 */
export function MappingForm({
  workspaceSlug,
  header,
  categories,
  initial,
}: {
  workspaceSlug: string;
  header: string[];
  categories: CategoryOption[];
  initial: ImportMappingInput;
}) {
  const router = useRouter();
  const baseId = useId();
  const [pending, startTransition] = useTransition();
  const [problem, setProblem] = useState<string | null>(null);
  const [updated, setUpdated] = useState(false);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<ImportMappingInput>({
    resolver: zodResolver(importMappingSchema) as unknown as Resolver<ImportMappingInput>,
    defaultValues: initial,
  });

  const onSubmit = (values: ImportMappingInput) => {
    setProblem(null);
    setUpdated(false);
    startTransition(async () => {
      const result = await previewImportAction(workspaceSlug, values);
      if (result.ok) {
        setUpdated(true);
        router.refresh();
        return;
      }
      for (const [path, message] of Object.entries(result.fieldErrors ?? {})) {
        setError(path as FieldPath<ImportMappingInput>, { message });
      }
      setProblem(result.message);
    });
  };

  const options = (
    <>
      <option value="">Not in this file</option>
      {header.map((name, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: columns are known by their position; names may repeat
        <option key={i} value={String(i)}>
          Column {i + 1}: {name || '(no name)'}
        </option>
      ))}
    </>
  );
  const select = (name: FieldPath<ImportMappingInput>, label: string, error?: string) => {
    const id = `${baseId}-${name}`;
    return (
      <div className="flex flex-col gap-1">
        <label htmlFor={id} className="font-medium text-sm">
          {label}
        </label>
        <select
          id={id}
          className={input}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          {...register(name)}
        >
          {options}
        </select>
        {error ? (
          <p id={`${id}-error`} className={fieldError}>
            {error}
          </p>
        ) : null}
      </div>
    );
  };

  let index = -1;
  return (
    <form onSubmit={handleSubmit(onSubmit)} className="flex flex-col gap-4" noValidate>
      <input type="hidden" {...register('importId')} />
      <fieldset className="flex flex-col gap-3">
        <legend className="mb-2 font-semibold">The person</legend>
        <div className="grid gap-3 sm:grid-cols-2">
          {select('email', 'Email', errors.email?.message)}
          {select('phone', 'Phone', errors.phone?.message)}
          {select('externalId', 'External id', errors.externalId?.message)}
          {select('locale', 'Language', errors.locale?.message)}
        </div>
      </fieldset>
      {categories.length > 0 ? (
        <fieldset className="flex flex-col gap-3">
          <legend className="mb-2 font-semibold">Consent per category and channel</legend>
          <p className="text-slate-700 text-sm dark:text-slate-300">
            Each column holds subscribed, unsubscribed or nothing. Transactional categories are
            always on and are not imported.
          </p>
          <div className="grid gap-3 sm:grid-cols-2">
            {categories.flatMap((c) =>
              c.channels.map((ch) => {
                index += 1;
                const i = index;
                return (
                  <div key={`${c.slug}:${ch.value}`}>
                    <input type="hidden" {...register(`consents.${i}.key`)} />
                    {select(
                      `consents.${i}.column`,
                      `${c.slug} by ${ch.label}`,
                      errors.consents?.[i]?.column?.message,
                    )}
                  </div>
                );
              }),
            )}
          </div>
        </fieldset>
      ) : null}
      {problem ? (
        <Notice tone="error">
          <p role="alert">{problem}</p>
        </Notice>
      ) : null}
      {updated ? (
        <p role="status" className="text-emerald-800 text-sm dark:text-emerald-300">
          Preview updated.
        </p>
      ) : null}
      <div>
        <button type="submit" className={buttonSecondary} disabled={pending}>
          {pending ? 'Checking every row…' : 'Update preview'}
        </button>
      </div>
    </form>
  );
}
