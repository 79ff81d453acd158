'use client';

import { useState, useTransition } from 'react';
import { buttonSecondary } from '../../ui';
import { archiveCategoryAction, moveCategoryAction } from './actions';

const small = `${buttonSecondary} gap-1 px-3 text-sm disabled:cursor-not-allowed disabled:opacity-50`;

/** Move up, move down, archive or unarchive one category; the page re-renders after each. */
export function CategoryRowActions({
  workspaceSlug,
  categoryId,
  name,
  archived,
  first,
  last,
}: {
  workspaceSlug: string;
  categoryId: string;
  name: string;
  archived: boolean;
  first: boolean;
  last: boolean;
}) {
  const [pending, startTransition] = useTransition();
  const [problem, setProblem] = useState<string | null>(null);

  const run = (action: () => Promise<{ ok: boolean; message?: string }>) => {
    setProblem(null);
    startTransition(async () => {
      const result = await action();
      if (!result.ok) setProblem(result.message ?? 'That did not work.');
    });
  };

  return (
    <>
      {archived ? null : (
        <>
          <button
            type="button"
            className={small}
            disabled={pending || first}
            aria-label={`Move ${name} up`}
            onClick={() =>
              run(() => moveCategoryAction(workspaceSlug, { categoryId, direction: 'up' }))
            }
          >
            <span aria-hidden="true">↑</span> Up
          </button>
          <button
            type="button"
            className={small}
            disabled={pending || last}
            aria-label={`Move ${name} down`}
            onClick={() =>
              run(() => moveCategoryAction(workspaceSlug, { categoryId, direction: 'down' }))
            }
          >
            <span aria-hidden="true">↓</span> Down
          </button>
        </>
      )}
      <button
        type="button"
        className={small}
        disabled={pending}
        aria-label={`${archived ? 'Unarchive' : 'Archive'} ${name}`}
        onClick={() =>
          run(() => archiveCategoryAction(workspaceSlug, { categoryId, archived: !archived }))
        }
      >
        {pending ? 'Saving…' : archived ? 'Unarchive' : 'Archive'}
      </button>
      <p aria-live="polite" className="w-full text-red-700 text-sm empty:hidden dark:text-red-400">
        {problem}
      </p>
    </>
  );
}
