'use client';

/** A failure while rendering a workspace page: said plainly, never a stack trace. */
export default function WorkspaceError({ reset }: { error: Error; reset: () => void }) {
  return (
    <div className="flex flex-col gap-3">
      <h1 className="font-bold text-2xl">Something went wrong</h1>
      <p>The page could not be shown. Try again in a moment.</p>
      <button
        type="button"
        onClick={reset}
        className="self-start rounded-lg border border-slate-300 px-4 py-2 font-semibold"
      >
        Try again
      </button>
    </div>
  );
}
