'use client';

import { useRouter } from 'next/navigation';
import { useId, useRef, useState } from 'react';
import { buttonPrimary, Notice } from '../../ui';

/**
 * Sends the chosen file as the body of a POST to the upload route (not a server action: files are
 * larger than an action takes), showing how much has been sent, then opens the import's page.
 */
export function UploadForm({ workspaceSlug }: { workspaceSlug: string }) {
  const router = useRouter();
  const fileId = useId();
  const hintId = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [sent, setSent] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  function upload(event: React.FormEvent) {
    event.preventDefault();
    setProblem(null);
    const file = fileRef.current?.files?.[0];
    if (!file) {
      setProblem('Choose a CSV file first.');
      fileRef.current?.focus();
      return;
    }
    const xhr = new XMLHttpRequest();
    const base = `/admin/${encodeURIComponent(workspaceSlug)}/import`;
    xhr.open('POST', `${base}/upload?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('content-type', 'text/csv');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) setSent(Math.floor((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      let body: { id?: string; detail?: string } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // Not JSON: said below in general words.
      }
      if (xhr.status === 201 && body.id) {
        router.push(`${base}/${body.id}`);
        return;
      }
      setSent(null);
      setProblem(body.detail ?? 'The upload did not work. Try again in a moment.');
    };
    xhr.onerror = () => {
      setSent(null);
      setProblem('The upload was interrupted. Check the connection and try again.');
    };
    setSent(0);
    xhr.send(file);
  }

  const busy = sent !== null;
  return (
    <form onSubmit={upload} className="flex flex-col gap-3" noValidate>
      <div className="flex flex-col gap-1">
        <label htmlFor={fileId} className="font-medium">
          CSV file
        </label>
        <input
          ref={fileRef}
          id={fileId}
          name="file"
          type="file"
          accept=".csv,text/csv"
          aria-describedby={hintId}
          aria-invalid={problem ? true : undefined}
          className="block w-full min-w-0 text-sm file:mr-3 file:min-h-11 file:rounded-lg file:border-0 file:bg-slate-200 file:px-4 file:font-semibold file:text-slate-900 dark:file:bg-slate-800 dark:file:text-slate-100"
        />
        <p id={hintId} className="text-slate-700 text-sm dark:text-slate-300">
          UTF-8, a header row first, up to 200 MB or 1,000,000 rows. Nothing is applied until you
          have checked the preview and pressed Start.
        </p>
      </div>
      {problem ? (
        <Notice tone="error">
          <p role="alert">{problem}</p>
        </Notice>
      ) : null}
      {busy ? (
        <div className="flex flex-col gap-1">
          <label htmlFor={`${fileId}-sent`} className="text-sm">
            {sent < 100 ? `Uploading: ${sent}%` : 'Reading the rows and preparing the preview…'}
          </label>
          <progress id={`${fileId}-sent`} max={100} value={sent} className="w-full" />
        </div>
      ) : null}
      <div>
        <button type="submit" className={buttonPrimary} disabled={busy}>
          {busy ? 'Uploading…' : 'Upload and preview'}
        </button>
      </div>
    </form>
  );
}
