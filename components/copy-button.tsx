'use client';

import { useEffect, useState } from 'react';

/**
 * Copies `text` to the clipboard. Rendered only once JavaScript runs and the clipboard is
 * there (it is not on plain-http origins other than localhost), so a page without JavaScript
 * shows no button that does nothing: the text beside it can still be selected.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [usable, setUsable] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => setUsable(typeof navigator !== 'undefined' && !!navigator.clipboard), []);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  if (!usable) return null;
  return (
    <>
      <button
        type="button"
        className="rounded-md border border-slate-300 bg-white px-2.5 py-1 font-medium text-slate-800 text-xs hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 focus-visible:outline-offset-2 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700"
        onClick={() => {
          navigator.clipboard.writeText(text).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {copied ? 'Copied' : 'Copy'}
        <span className="sr-only"> {label}</span>
      </button>
      <span role="status" className="sr-only">
        {copied ? 'Copied to the clipboard' : ''}
      </span>
    </>
  );
}
