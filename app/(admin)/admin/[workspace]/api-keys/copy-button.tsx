'use client';

import { useState } from 'react';
import { buttonSecondary } from '../../ui';

/** Copies a value to the clipboard and says so (to screen readers too). */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <div className="flex flex-wrap items-center gap-3">
      <button type="button" className={buttonSecondary} onClick={copy} aria-label={label}>
        Copy
      </button>
      <span role="status" className="text-sm">
        {state === 'copied'
          ? 'Copied.'
          : state === 'failed'
            ? 'Could not copy: select the text and copy it yourself.'
            : ''}
      </span>
    </div>
  );
}
