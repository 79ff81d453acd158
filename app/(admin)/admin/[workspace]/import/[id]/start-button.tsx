'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { buttonPrimary, Notice } from '../../../ui';
import { startImportAction } from '../actions';

/** Queues the import; the page then shows the progress the server reports. */
export function StartButton({
  workspaceSlug,
  importId,
  disabled,
}: {
  workspaceSlug: string;
  importId: string;
  disabled: boolean;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <div className="flex flex-col gap-2">
      {problem ? (
        <Notice tone="error">
          <p role="alert">{problem}</p>
        </Notice>
      ) : null}
      <div>
        <button
          type="button"
          className={buttonPrimary}
          disabled={disabled || pending}
          onClick={() =>
            startTransition(async () => {
              setProblem(null);
              const result = await startImportAction(workspaceSlug, { importId });
              if (result.ok) router.refresh();
              else setProblem(result.message);
            })
          }
        >
          {pending ? 'Starting…' : 'Start the import'}
        </button>
      </div>
    </div>
  );
}
