'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { type ReactNode, useState, useTransition } from 'react';
import {
  type DefaultValues,
  type FieldPath,
  type FieldValues,
  type Resolver,
  type UseFormRegisterReturn,
  type UseFormReturn,
  useForm,
} from 'react-hook-form';
import type { z } from 'zod';
import type { AdminActionResult } from '@/domain/admin-actions';
import { buttonPrimary, input, Notice } from '../../ui';

/**
 * The pieces every settings section's form is made of: react-hook-form with the schema the
 * server action parses with, one action per section, a status line announced to screen
 * readers, and a read-only mode (a disabled fieldset, no save button) for those who may not
 * change it. The server checks the role again; hiding the button is only a courtesy.
 */

export const fieldError = 'text-red-700 text-sm dark:text-red-400';
export const hint = 'text-slate-700 text-sm dark:text-slate-300';
export const choice =
  'flex min-h-11 items-center gap-2 rounded-lg border border-slate-300 px-3 has-[:checked]:border-indigo-600 has-[:checked]:bg-indigo-50 has-[:focus-visible]:outline has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600 dark:border-slate-700 dark:has-[:checked]:bg-indigo-950';

export type SaveAction<T> = (
  workspaceSlug: string,
  input: unknown,
) => Promise<AdminActionResult<T>>;

type Status = { tone: 'success' | 'error' | 'info'; text: string } | null;

export function useSectionForm<T extends FieldValues>({
  schema,
  defaultValues,
  workspaceSlug,
  action,
  afterSave,
}: {
  schema: z.ZodType;
  defaultValues: T;
  workspaceSlug: string;
  action: SaveAction<{ changed: boolean }>;
  /** What the form shows once saved (a secret field is emptied, say). */
  afterSave?: (values: T) => T;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [status, setStatus] = useState<Status>(null);
  const form = useForm<T>({
    resolver: zodResolver(schema as never) as unknown as Resolver<T>,
    defaultValues: defaultValues as DefaultValues<T>,
  });
  const onSubmit = form.handleSubmit(
    (values) => {
      setStatus(null);
      startTransition(async () => {
        const result = await action(workspaceSlug, values);
        if (result.ok) {
          form.reset(afterSave ? afterSave(values) : values);
          setStatus(
            result.data.changed
              ? { tone: 'success', text: 'Saved.' }
              : { tone: 'info', text: 'Nothing had changed, so nothing was saved.' },
          );
          router.refresh();
          return;
        }
        for (const [path, message] of Object.entries(result.fieldErrors ?? {}))
          form.setError(path as FieldPath<T>, { message }, { shouldFocus: true });
        setStatus({ tone: 'error', text: result.message });
      });
    },
    () => setStatus({ tone: 'error', text: 'Check the fields marked below.' }),
  );
  return { form, onSubmit, pending, status };
}

/** A section's form: its fields (disabled when read-only), its status, its save button. */
export function SectionForm<T extends FieldValues>({
  state,
  readOnly,
  submitLabel,
  children,
}: {
  state: { form: UseFormReturn<T>; onSubmit: () => void; pending: boolean; status: Status };
  readOnly: boolean;
  submitLabel: string;
  children: ReactNode;
}) {
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (!readOnly) state.onSubmit();
      }}
      noValidate
      className="flex flex-col gap-5"
    >
      <fieldset disabled={readOnly} className="flex min-w-0 flex-col gap-5">
        {children}
      </fieldset>
      {readOnly ? null : (
        <div className="flex flex-col gap-3 sm:flex-row sm:items-center">
          <button
            type="submit"
            className={`${buttonPrimary} sm:self-start`}
            disabled={state.pending}
          >
            {state.pending ? 'Saving…' : submitLabel}
          </button>
          <div aria-live="polite" className="empty:hidden">
            {state.status ? (
              <Notice tone={state.status.tone}>
                <p>{state.status.text}</p>
              </Notice>
            ) : null}
          </div>
        </div>
      )}
    </form>
  );
}

const describedBy = (id: string, error: unknown, extra?: string) =>
  [extra ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') ||
  undefined;

/** A labelled text input (or textarea) with its hint and its error. */
export function TextField({
  id,
  label,
  hintText,
  error,
  registration,
  type = 'text',
  multiline,
  autoComplete = 'off',
  inputMode,
  placeholder,
  lang,
}: {
  id: string;
  label: string;
  hintText?: ReactNode;
  error?: string;
  registration: UseFormRegisterReturn;
  type?: 'text' | 'email' | 'url' | 'password' | 'tel';
  multiline?: boolean;
  autoComplete?: string;
  inputMode?: 'text' | 'email' | 'url' | 'tel';
  placeholder?: string;
  lang?: string;
}) {
  const common = {
    id,
    lang,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy(id, error, hintText ? 'hint' : undefined),
    placeholder,
    ...registration,
  };
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={id} className="font-medium">
        {label}
      </label>
      {multiline ? (
        <textarea rows={3} className={`${input} py-2`} {...common} />
      ) : (
        <input
          type={type}
          autoComplete={autoComplete}
          inputMode={inputMode}
          spellCheck={false}
          className={input}
          {...common}
        />
      )}
      {hintText ? (
        <p id={`${id}-hint`} className={hint}>
          {hintText}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className={fieldError}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A checkbox with its label and what it does, as a large touch target. */
export function CheckField({
  label,
  description,
  registration,
}: {
  label: string;
  description?: string;
  registration: UseFormRegisterReturn;
}) {
  return (
    <label className={`${choice} items-start py-3`}>
      <input type="checkbox" className="mt-1 size-4 shrink-0" {...registration} />
      <span className="flex flex-col">
        <span className="font-medium">{label}</span>
        {description ? <span className={hint}>{description}</span> : null}
      </span>
    </label>
  );
}
