'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { type FieldPath, type Resolver, useForm } from 'react-hook-form';
import type { MailTextKind } from '@/db/schema';
import {
  type MailTextInput,
  mailTextSchema,
  type Placeholder,
} from '@/domain/admin-settings-validation';
import type { Locale } from '@/domain/i18n';
import { buttonPrimary, buttonSecondary, Notice } from '../../ui';
import { previewMailTextAction, resetMailTextAction, saveMailTextAction } from './actions';
import { fieldError, hint, TextField } from './section-form';

type Preview = { subject: string; text: string; html: string };
type Status = { tone: 'success' | 'error' | 'info'; text: string } | null;

/**
 * A mail's subject and text in one language, validated with the schema the action parses with
 * (only this mail's placeholders). The preview is rendered by the server, as the mail would be
 * sent, and shown in a sandboxed frame: no script, no form, nothing of it can reach this page.
 */
export function MailTextForm({
  workspaceSlug,
  kind,
  locale,
  readOnly,
  own: initiallyOwn,
  initial,
  defaults,
  placeholders,
  preview: initialPreview,
}: {
  workspaceSlug: string;
  kind: MailTextKind;
  locale: Locale;
  readOnly: boolean;
  own: boolean;
  initial: { subject: string; body: string };
  defaults: { subject: string; body: string };
  placeholders: Placeholder[];
  preview: Preview;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [status, setStatus] = useState<Status>(null);
  const [own, setOwn] = useState(initiallyOwn);
  const [preview, setPreview] = useState<Preview>(initialPreview);
  const [previewOf, setPreviewOf] = useState<'saved' | 'draft'>('saved');
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors },
  } = useForm<MailTextInput>({
    resolver: zodResolver(mailTextSchema) as unknown as Resolver<MailTextInput>,
    defaultValues: { kind, locale, ...initial },
  });

  const showErrors = (result: { message: string; fieldErrors?: Record<string, string> }) => {
    for (const [path, message] of Object.entries(result.fieldErrors ?? {}))
      setError(path as FieldPath<MailTextInput>, { message }, { shouldFocus: true });
    setStatus({ tone: 'error', text: result.message });
  };
  const invalid = () => setStatus({ tone: 'error', text: 'Check the fields marked below.' });

  const save = handleSubmit((values) => {
    setStatus(null);
    startTransition(async () => {
      const result = await saveMailTextAction(workspaceSlug, values);
      if (!result.ok) return showErrors(result);
      reset(values);
      if (result.data.changed) setOwn(true);
      const shown = await previewMailTextAction(workspaceSlug, values);
      if (shown.ok) {
        setPreview(shown.data);
        setPreviewOf('saved');
      }
      setStatus(
        result.data.changed
          ? { tone: 'success', text: 'Saved. Mails from now on use this text.' }
          : { tone: 'info', text: 'Nothing had changed, so nothing was saved.' },
      );
      router.refresh();
    });
  }, invalid);

  const showPreview = handleSubmit((values) => {
    setStatus(null);
    startTransition(async () => {
      const result = await previewMailTextAction(workspaceSlug, values);
      if (!result.ok) return showErrors(result);
      setPreview(result.data);
      setPreviewOf('draft');
      setStatus({ tone: 'info', text: 'Preview updated below. It is not saved yet.' });
    });
  }, invalid);

  const backToDefault = () => {
    setStatus(null);
    startTransition(async () => {
      const result = await resetMailTextAction(workspaceSlug, { kind, locale });
      if (!result.ok) return showErrors(result);
      const values = { kind, locale, ...defaults };
      reset(values);
      setOwn(false);
      const shown = await previewMailTextAction(workspaceSlug, values);
      if (shown.ok) {
        setPreview(shown.data);
        setPreviewOf('saved');
      }
      setStatus({ tone: 'success', text: 'Back to Dial’s text. Mails from now on use it.' });
      router.refresh();
    });
  };

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <div className="flex min-w-0 flex-col gap-5">
        <p>
          Now in use: <strong>{own ? 'your text' : 'Dial’s text'}</strong>
        </p>
        <section aria-labelledby="placeholders-heading" className="flex flex-col gap-2">
          <h2 id="placeholders-heading" className="font-semibold text-lg">
            Placeholders this mail may use
          </h2>
          <dl className="flex flex-col gap-1 text-sm">
            {placeholders.map((p) => (
              <div key={p.name} className="flex flex-col">
                <dt className="font-mono font-semibold">{`{{${p.name}}}`}</dt>
                <dd className="text-slate-700 dark:text-slate-300">{p.meaning}</dd>
              </div>
            ))}
          </dl>
        </section>
        <form onSubmit={save} noValidate className="flex flex-col gap-5">
          <fieldset disabled={readOnly} className="flex min-w-0 flex-col gap-5">
            <TextField
              id="subject"
              label="Subject"
              error={errors.subject?.message}
              registration={register('subject')}
              lang={locale}
            />
            <div className="flex flex-col gap-1">
              <label htmlFor="body" className="font-medium">
                Text
              </label>
              <textarea
                id="body"
                lang={locale}
                rows={12}
                aria-invalid={errors.body ? true : undefined}
                aria-describedby={['body-hint', errors.body ? 'body-error' : '']
                  .filter(Boolean)
                  .join(' ')}
                className="w-full rounded-lg border border-slate-400 bg-white px-3 py-2 text-base text-slate-900 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100"
                {...register('body')}
              />
              <p id="body-hint" className={hint}>
                Plain text; a blank line starts a new paragraph, and the first paragraph is shown
                larger. The buttons and the footer (name, address, contact) are added by Dial.
              </p>
              {errors.body ? (
                <p id="body-error" className={fieldError}>
                  {errors.body.message}
                </p>
              ) : null}
            </div>
          </fieldset>
          <div aria-live="polite" className="empty:hidden">
            {status ? (
              <Notice tone={status.tone}>
                <p>{status.text}</p>
              </Notice>
            ) : null}
          </div>
          <div className="flex flex-wrap gap-3">
            {readOnly ? null : (
              <button type="submit" className={buttonPrimary} disabled={pending}>
                {pending ? 'Working…' : 'Save mail text'}
              </button>
            )}
            <button
              type="button"
              className={buttonSecondary}
              disabled={pending}
              onClick={showPreview}
            >
              Preview
            </button>
            {!readOnly && own ? (
              <button
                type="button"
                className={buttonSecondary}
                disabled={pending}
                onClick={backToDefault}
              >
                Back to Dial’s text
              </button>
            ) : null}
          </div>
        </form>
      </div>
      <section aria-labelledby="preview-heading" className="flex min-w-0 flex-col gap-2">
        <h2 id="preview-heading" className="font-semibold text-lg">
          Preview {previewOf === 'draft' ? '(not saved)' : ''}
        </h2>
        <p className="break-words text-sm">
          <span className="font-medium">Subject:</span>{' '}
          <span data-testid="preview-subject">{preview.subject}</span>
        </p>
        <iframe
          title="Preview of the mail"
          sandbox=""
          srcDoc={preview.html}
          className="h-[32rem] w-full rounded-lg border border-slate-300 bg-white dark:border-slate-700"
        />
        <details>
          <summary className="min-h-11 cursor-pointer content-center font-medium">
            Text part
          </summary>
          <pre className="whitespace-pre-wrap break-words rounded-lg bg-slate-100 p-3 text-sm dark:bg-slate-900">
            {preview.text}
          </pre>
        </details>
      </section>
    </div>
  );
}
