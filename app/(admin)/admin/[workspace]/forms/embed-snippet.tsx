'use client';

import { useEffect, useRef, useState } from 'react';
import { buttonSecondary } from '../../ui';

/**
 * The loader tag to paste on a site, and a Copy button (a real button: Enter and Space work) that
 * says "Copied" in a live region, so screen readers hear it too.
 */
export function EmbedSnippet({ snippet }: { snippet: string }) {
  const [said, setSaid] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const code = useRef<HTMLElement>(null);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async () => {
    let copied = false;
    try {
      await navigator.clipboard.writeText(snippet);
      copied = true;
    } catch {
      // No clipboard permission (an old browser, an insecure origin): select it for Ctrl+C.
      const range = document.createRange();
      if (code.current) {
        range.selectNodeContents(code.current);
        const selection = window.getSelection();
        selection?.removeAllRanges();
        selection?.addRange(range);
      }
    }
    setSaid(copied ? 'Copied' : 'Selected: press Ctrl+C (⌘C on a Mac) to copy');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setSaid(''), 4000);
  };

  return (
    <div className="flex flex-col gap-2">
      <pre className="whitespace-pre-wrap break-all rounded-lg border border-slate-300 bg-slate-50 p-3 font-mono text-sm dark:border-slate-700 dark:bg-slate-900">
        <code ref={code}>{snippet}</code>
      </pre>
      <div className="flex flex-wrap items-center gap-3">
        <button type="button" onClick={copy} className={buttonSecondary}>
          Copy snippet
        </button>
        <p role="status" className="font-medium text-emerald-800 dark:text-emerald-300">
          {said}
        </p>
      </div>
    </div>
  );
}
