'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState, useTransition } from 'react';
import { type FieldPath, useForm } from 'react-hook-form';
import {
  API_KEY_SCOPE_WORDS,
  type ApiKeyCreateInput,
  apiKeyCreateSchema,
} from '@/domain/admin-api-key-validation';
import { buttonPrimary, buttonSecondary, input, Notice } from '../../ui';
import { createApiKeyAction } from './actions';
import { CopyButton } from './copy-button';

const fieldError = 'text-red-700 text-sm dark:text-red-400';
const hint = 'text-slate-700 text-sm dark:text-slate-300';
const choice =
  'flex items-start gap-3 rounded-lg border border-slate-300 p-3 has-[:checked]:border-indigo-600 has-[:checked]:bg-indigo-50 has-[:focus-visible]:outline has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600 dark:border-slate-700 dark:has-[:checked]:bg-indigo-950';

/** Scopes in the order a careful owner should consider them: the least power first. */
const SCOPE_ORDER = ['check', 'read', 'write'] as const;

type Created = { name: string; key: string };

/**
 * Creates a key; the answer (the only copy of the full key) is kept in this component's state
 * and shown once, with a Copy button. Leaving or reloading the page drops it for good.
 */
export function ApiKeyForm({ workspaceSlug }: { workspaceSlug: string }) {
  const [pending, startTransition] = useTransition();
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors },
  } = useForm<ApiKeyCreateInput>({
    resolver: zodResolver(apiKeyCreateSchema),
    defaultValues: { name: '', scope: 'check' },
  });

  const onSubmit = handleSubmit(
    (values) => {
      setProblem(null);
      startTransition(async () => {
        const result = await createApiKeyAction(workspaceSlug, values);
        if (result.ok) {
          setCreated({ name: result.data.name, key: result.data.key });
          reset();
          return;
        }
        for (const [path, message] of Object.entries(result.fieldErrors ?? {}))
          setError(path as FieldPath<ApiKeyCreateInput>, { message }, { shouldFocus: true });
        setProblem(result.message);
      });
    },
    () => setProblem('Check the fields marked below.'),
  );

  if (created)
    return (
      <section
        aria-labelledby="new-key"
        className="flex flex-col gap-3 rounded-lg border-2 border-amber-500 p-4"
      >
        <h2 id="new-key" className="font-semibold text-lg">
          Your new key “{created.name}”
        </h2>
        <Notice tone="warning">
          <p role="status">
            Copy it now and keep it somewhere safe, such as your sending system’s secret settings.
            It will not be shown again: Dial keeps only a fingerprint of it. If you lose it, revoke
            it and create another.
          </p>
        </Notice>
        <label htmlFor="created-key" className="font-medium">
          API key
        </label>
        <input
          id="created-key"
          readOnly
          value={created.key}
          className={`${input} font-mono text-sm`}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton value={created.key} label={`Copy the key ${created.name}`} />
        <button
          type="button"
          className={`${buttonSecondary} self-start`}
          onClick={() => setCreated(null)}
        >
          I have copied it
        </button>
      </section>
    );

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="create-key"
      className="flex max-w-2xl flex-col gap-5 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h2 id="create-key" className="font-semibold text-lg">
        Create a key
      </h2>
      <div aria-live="polite" className="empty:hidden">
        {problem ? (
          <Notice tone="error">
            <p>{problem}</p>
          </Notice>
        ) : null}
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="key-name" className="font-medium">
          Name
        </label>
        <input
          id="key-name"
          autoComplete="off"
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={errors.name ? 'key-name-hint key-name-error' : 'key-name-hint'}
          className={input}
          {...register('name')}
        />
        <p id="key-name-hint" className={hint}>
          Where it will be used, so you recognise it later, like “Newsletter sender”.
        </p>
        {errors.name ? (
          <p id="key-name-error" className={fieldError}>
            {errors.name.message}
          </p>
        ) : null}
      </div>
      <fieldset
        className="flex flex-col gap-2"
        aria-describedby={errors.scope ? 'key-scope-error' : undefined}
      >
        <legend className="mb-1 font-medium">What it may do</legend>
        {SCOPE_ORDER.map((scope) => (
          <label key={scope} className={choice}>
            <input type="radio" value={scope} className="mt-1" {...register('scope')} />
            <span className="flex flex-col">
              <span className="font-medium">{API_KEY_SCOPE_WORDS[scope].label}</span>
              <span className={hint}>{API_KEY_SCOPE_WORDS[scope].explain}</span>
            </span>
          </label>
        ))}
        {errors.scope ? (
          <p id="key-scope-error" className={fieldError}>
            {errors.scope.message}
          </p>
        ) : null}
      </fieldset>
      <button type="submit" className={`${buttonPrimary} self-start`} disabled={pending}>
        {pending ? 'Creating…' : 'Create key'}
      </button>
    </form>
  );
}
