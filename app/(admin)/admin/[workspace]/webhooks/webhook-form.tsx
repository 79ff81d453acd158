'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState, useTransition } from 'react';
import { type FieldPath, useForm } from 'react-hook-form';
import {
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_EVENT_WORDS,
  type WebhookCreateInput,
  webhookCreateSchema,
} from '@/domain/admin-webhook-validation';
import { buttonPrimary, buttonSecondary, input, Notice } from '../../ui';
import { CopyButton } from '../api-keys/copy-button';
import { createWebhookAction } from './actions';

const fieldError = 'text-red-700 text-sm dark:text-red-400';
const hint = 'text-slate-700 text-sm dark:text-slate-300';
const choice =
  'flex items-start gap-3 rounded-lg border border-slate-300 p-3 has-[:checked]:border-indigo-600 has-[:checked]:bg-indigo-50 has-[:focus-visible]:outline has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600 dark:border-slate-700 dark:has-[:checked]:bg-indigo-950';

/**
 * Adds an endpoint; its signing secret (in the action's answer only) is shown once, here. Whether
 * the address may be reached at all (public addresses only) is the server's answer, shown by the
 * field.
 */
export function WebhookForm({ workspaceSlug }: { workspaceSlug: string }) {
  const [pending, startTransition] = useTransition();
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors },
  } = useForm<WebhookCreateInput>({
    resolver: zodResolver(webhookCreateSchema),
    defaultValues: { url: '', events: [...WEBHOOK_EVENT_TYPES] },
  });

  const onSubmit = handleSubmit(
    (values) => {
      setProblem(null);
      startTransition(async () => {
        const result = await createWebhookAction(workspaceSlug, values);
        if (result.ok) {
          setCreated({ url: result.data.url, secret: result.data.secret });
          reset();
          return;
        }
        for (const [path, message] of Object.entries(result.fieldErrors ?? {}))
          setError(path as FieldPath<WebhookCreateInput>, { message }, { shouldFocus: true });
        setProblem(result.message);
      });
    },
    () => setProblem('Check the fields marked below.'),
  );

  if (created)
    return (
      <section
        aria-labelledby="new-secret"
        className="flex flex-col gap-3 rounded-lg border-2 border-amber-500 p-4"
      >
        <h2 id="new-secret" className="font-semibold text-lg">
          Signing secret for the new webhook
        </h2>
        <p className="break-all text-sm">{created.url}</p>
        <Notice tone="warning">
          <p role="status">
            Copy this secret into the receiving system now: it checks with it that each delivery
            really comes from Dial. It will not be shown again. If you lose it, delete the webhook
            and add it again.
          </p>
        </Notice>
        <label htmlFor="created-secret" className="font-medium">
          Signing secret
        </label>
        <input
          id="created-secret"
          readOnly
          value={created.secret}
          className={`${input} font-mono text-sm`}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton value={created.secret} label="Copy the signing secret" />
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
      aria-labelledby="add-webhook"
      className="flex max-w-2xl flex-col gap-5 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h2 id="add-webhook" className="font-semibold text-lg">
        Add a webhook
      </h2>
      <div aria-live="polite" className="empty:hidden">
        {problem ? (
          <Notice tone="error">
            <p>{problem}</p>
          </Notice>
        ) : null}
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="webhook-url" className="font-medium">
          Address (URL)
        </label>
        <input
          id="webhook-url"
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="https://example.com/dial-webhooks"
          aria-invalid={errors.url ? true : undefined}
          aria-describedby={errors.url ? 'webhook-url-hint webhook-url-error' : 'webhook-url-hint'}
          className={input}
          {...register('url')}
        />
        <p id="webhook-url-hint" className={hint}>
          Where your system listens. It must be reachable on the internet: addresses inside your own
          network are refused.
        </p>
        {errors.url ? (
          <p id="webhook-url-error" className={fieldError}>
            {errors.url.message}
          </p>
        ) : null}
      </div>
      <fieldset
        className="flex flex-col gap-2"
        aria-describedby={errors.events ? 'webhook-events-error' : undefined}
      >
        <legend className="mb-1 font-medium">Events to send</legend>
        {WEBHOOK_EVENT_TYPES.map((event) => (
          <label key={event} className={choice}>
            <input type="checkbox" value={event} className="mt-1" {...register('events')} />
            <span className="flex flex-col">
              <span className="font-medium">{WEBHOOK_EVENT_WORDS[event].label}</span>
              <span className={hint}>{WEBHOOK_EVENT_WORDS[event].explain}</span>
            </span>
          </label>
        ))}
        {errors.events ? (
          <p id="webhook-events-error" className={fieldError}>
            {errors.events.message}
          </p>
        ) : null}
      </fieldset>
      <button type="submit" className={`${buttonPrimary} self-start`} disabled={pending}>
        {pending ? 'Adding…' : 'Add webhook'}
      </button>
    </form>
  );
}
