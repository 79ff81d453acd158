'use client';

import { useRef, useState, useTransition } from 'react';
import { buttonSecondary } from '../../ui';
import { revokeApiKeyAction } from './actions';

const danger =
  'inline-flex min-h-11 items-center justify-center rounded-lg bg-red-700 px-4 py-2.5 font-semibold text-white hover:bg-red-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700 disabled:cursor-wait disabled:opacity-70';

/** Revoke, then a confirm step that says what happens; the list re-renders after it. */
export function RevokeKeyButton({
  workspaceSlug,
  keyId,
  name,
}: {
  workspaceSlug: string;
  keyId: string;
  name: string;
}) {
  const [confirming, setConfirming] = useState(false);
  const [pending, startTransition] = useTransition();
  const [problem, setProblem] = useState<string | null>(null);
  const opener = useRef<HTMLButtonElement>(null);

  if (!confirming)
    return (
      <button
        ref={opener}
        type="button"
        className={`${buttonSecondary} text-sm`}
        aria-label={`Revoke ${name}`}
        onClick={() => setConfirming(true)}
      >
        Revoke
      </button>
    );

  return (
    <fieldset className="flex w-full flex-col gap-2 rounded-lg bg-red-50 p-3 text-red-950 dark:bg-red-950 dark:text-red-50">
      <legend className="float-left mb-1">
        Revoke “{name}”? Anything still using it is refused from the next request. This cannot be
        undone.
      </legend>
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          className={danger}
          disabled={pending}
          // biome-ignore lint/a11y/noAutofocus: the confirm step replaces the button that opened it; focus must follow.
          autoFocus
          onClick={() => {
            setProblem(null);
            startTransition(async () => {
              const result = await revokeApiKeyAction(workspaceSlug, { keyId });
              if (!result.ok) setProblem(result.message);
              else setConfirming(false);
            });
          }}
        >
          {pending ? 'Revoking…' : 'Yes, revoke it'}
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
      <p aria-live="polite" className="text-sm empty:hidden">
        {problem}
      </p>
    </fieldset>
  );
}
