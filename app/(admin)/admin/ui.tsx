import type { ReactNode } from 'react';

/** The admin console's small shared pieces: its frame for signed-out pages, buttons, notices. */

export const accent = '#4f46e5';

export const buttonPrimary =
  'inline-flex min-h-11 items-center justify-center rounded-lg bg-indigo-600 px-4 py-2.5 font-semibold text-white hover:bg-indigo-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-wait disabled:opacity-70';
export const buttonSecondary =
  'inline-flex min-h-11 items-center justify-center rounded-lg border border-slate-300 bg-white px-4 py-2.5 font-semibold text-slate-900 hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800';
export const textLink =
  'font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-900 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-indigo-300';
export const input =
  'min-h-11 w-full rounded-lg border border-slate-400 bg-white px-3 text-base text-slate-900 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100';

/** Sign-in and confirm pages: a narrow card under Dial's name. */
export function SignedOutFrame({ children }: { children: ReactNode }) {
  return (
    <div className="mx-auto flex min-h-dvh max-w-md flex-col px-5 py-10">
      <header className="mb-8">
        <p className="font-semibold text-indigo-700 dark:text-indigo-300">Dial · Admin console</p>
      </header>
      <main className="flex flex-col gap-5">{children}</main>
    </div>
  );
}

export function Notice({
  tone = 'info',
  children,
}: {
  tone?: 'info' | 'success' | 'warning' | 'error';
  children: ReactNode;
}) {
  const tones = {
    info: 'bg-slate-100 text-slate-900 dark:bg-slate-900 dark:text-slate-100',
    success: 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100',
    warning: 'bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
    error: 'bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100',
  };
  return <div className={`rounded-lg p-3 ${tones[tone]}`}>{children}</div>;
}
