'use client';

import { useState, useTransition } from 'react';
import { buttonSecondary } from '../../ui';
import { deleteWebhookAction, enableWebhookAction, retryWebhookDeliveryAction } from './actions';

const small = `${buttonSecondary} px-3 text-sm`;
const danger =
  'inline-flex min-h-11 items-center justify-center rounded-lg bg-red-700 px-4 py-2.5 font-semibold text-white hover:bg-red-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700 disabled:cursor-wait disabled:opacity-70';

type Result = { ok: true } | { ok: false; message: string };

function useRun() {
  const [pending, startTransition] = useTransition();
  const [problem, setProblem] = useState<string | null>(null);
  const run = (action: () => Promise<Result>, then?: () => void) => {
    setProblem(null);
    startTransition(async () => {
      const result = await action();
      if (!result.ok) setProblem(result.message);
      else then?.();
    });
  };
  return { pending, problem, run };
}

function Problem({ text }: { text: string | null }) {
  return (
    <p aria-live="polite" className="w-full text-red-700 text-sm empty:hidden dark:text-red-400">
      {text}
    </p>
  );
}

/** Delete (with a confirm step) and, when it is off, turn back on. */
export function EndpointActions({
  workspaceSlug,
  endpointId,
  url,
  disabled,
}: {
  workspaceSlug: string;
  endpointId: string;
  url: string;
  disabled: boolean;
}) {
  const [confirming, setConfirming] = useState(false);
  const { pending, problem, run } = useRun();
  if (confirming)
    return (
      <fieldset className="flex w-full flex-col gap-2 rounded-lg bg-red-50 p-3 text-red-950 dark:bg-red-950 dark:text-red-50">
        <legend className="float-left mb-1 break-all">
          Delete the webhook {url}? Its delivery history goes with it, and nothing more is sent
          there.
        </legend>
        <div className="flex flex-wrap gap-2">
          <button
            type="button"
            className={danger}
            disabled={pending}
            // biome-ignore lint/a11y/noAutofocus: the confirm step replaces the button that opened it; focus must follow.
            autoFocus
            onClick={() => run(() => deleteWebhookAction(workspaceSlug, { endpointId }))}
          >
            {pending ? 'Deleting…' : 'Yes, delete it'}
          </button>
          <button
            type="button"
            className={buttonSecondary}
            disabled={pending}
            onClick={() => setConfirming(false)}
          >
            Cancel
          </button>
        </div>
        <Problem text={problem} />
      </fieldset>
    );
  return (
    <div className="flex flex-wrap items-center gap-2">
      {disabled ? (
        <button
          type="button"
          className={small}
          disabled={pending}
          aria-label={`Turn back on ${url}`}
          onClick={() => run(() => enableWebhookAction(workspaceSlug, { endpointId }))}
        >
          {pending ? 'Turning on…' : 'Turn back on'}
        </button>
      ) : null}
      <button
        type="button"
        className={small}
        aria-label={`Delete ${url}`}
        onClick={() => setConfirming(true)}
      >
        Delete
      </button>
      <Problem text={problem} />
    </div>
  );
}

/** Retry one delivery now; says what happened. */
export function RetryButton({
  workspaceSlug,
  deliveryId,
  label,
}: {
  workspaceSlug: string;
  deliveryId: string;
  label: string;
}) {
  const { pending, problem, run } = useRun();
  const [done, setDone] = useState(false);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <button
        type="button"
        className={small}
        disabled={pending}
        aria-label={label}
        onClick={() =>
          run(
            () => retryWebhookDeliveryAction(workspaceSlug, { deliveryId }),
            () => setDone(true),
          )
        }
      >
        {pending ? 'Retrying…' : 'Retry'}
      </button>
      <span role="status" className="text-sm">
        {done ? 'Queued: it is sent within a few seconds.' : ''}
      </span>
      <Problem text={problem} />
    </div>
  );
}
