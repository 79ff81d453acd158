'use client';

import { useEffect, useId, useState } from 'react';
import type { ImportProgress } from '@/domain/imports';
import { buttonSecondary, Notice } from '../../../ui';

const POLL_MS = 1_000;

/**
 * The import's progress as the server counts it (rows in committed batches), polled every second
 * until it is done or failed. A reload starts from the server's count again.
 */
export function ImportProgressView({
  progressUrl,
  errorsUrl,
  initial,
}: {
  progressUrl: string;
  errorsUrl: string;
  initial: ImportProgress;
}) {
  const [progress, setProgress] = useState(initial);
  const [offline, setOffline] = useState(false);
  const barId = useId();
  const finished = progress.status === 'done' || progress.status === 'failed';

  useEffect(() => {
    if (finished) return;
    let stopped = false;
    const timer = setInterval(async () => {
      try {
        const response = await fetch(progressUrl, { cache: 'no-store' });
        if (!response.ok) throw new Error(String(response.status));
        const next = (await response.json()) as ImportProgress;
        if (!stopped) {
          setProgress(next);
          setOffline(false);
        }
      } catch {
        if (!stopped) setOffline(true);
      }
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [finished, progressUrl]);

  const n = (value: number) => value.toLocaleString('en');
  const state =
    progress.status === 'done'
      ? 'Done'
      : progress.status === 'failed'
        ? 'Failed'
        : progress.status === 'queued'
          ? 'Waiting for the background worker'
          : 'Importing';
  return (
    <section aria-labelledby={`${barId}-heading`} className="flex flex-col gap-3">
      <h2 id={`${barId}-heading`} className="font-semibold text-lg">
        Progress
      </h2>
      <div className="flex flex-col gap-1">
        <label htmlFor={barId} className="flex flex-wrap justify-between gap-2">
          <span data-testid="import-state">{state}</span>
          <span>
            {n(progress.done)} of {n(progress.total)} rows ({progress.percent}%)
          </span>
        </label>
        <progress id={barId} max={100} value={progress.percent} className="h-3 w-full" />
      </div>
      <p role="status" aria-live="polite" className="sr-only">
        {finished ? `Import ${state.toLowerCase()}.` : ''}
      </p>
      <dl aria-label="Rows so far" className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-5">
        <Count label="New subscribers" value={n(progress.created)} />
        <Count label="Updated" value={n(progress.updated)} />
        <Count label="Unchanged" value={n(progress.unchanged)} />
        <Count label="Skipped" value={n(progress.skipped)} />
        <Count label="Errors" value={n(progress.errors)} />
      </dl>
      {progress.retrying ? (
        <Notice tone="warning">
          <p>A batch failed and is being tried again; nothing is applied twice.</p>
        </Notice>
      ) : null}
      {progress.failure ? (
        <Notice tone="error">
          <p>
            {progress.failure} The rows done so far stay applied; the error report lists the rest.
          </p>
        </Notice>
      ) : null}
      {offline ? (
        <Notice tone="warning">
          <p>Cannot reach the server just now; still trying.</p>
        </Notice>
      ) : null}
      {finished ? (
        <div className="flex flex-col gap-2">
          <p className="text-sm">
            {progress.skipped + progress.errors === 0
              ? 'Every row was applied.'
              : 'The error report lists every row that was not applied, with its values and the reason.'}
          </p>
          <div>
            <a href={errorsUrl} className={buttonSecondary} download>
              Download the error report
            </a>
          </div>
        </div>
      ) : null}
    </section>
  );
}

function Count({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex flex-col rounded-lg bg-slate-100 p-3 dark:bg-slate-900">
      <dt className="text-slate-700 dark:text-slate-300">{label}</dt>
      <dd className="font-bold text-lg">{value}</dd>
    </div>
  );
}
