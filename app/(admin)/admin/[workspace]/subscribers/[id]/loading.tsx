/** While a subscriber's record, ledger and proof load (a long history takes a moment). */
export default function Loading() {
  return (
    <div role="status" aria-label="Loading the consent record" className="flex flex-col gap-3">
      <div className="h-7 w-72 max-w-full animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-24 w-full animate-pulse rounded-lg bg-slate-100 dark:bg-slate-900" />
      <div className="h-40 w-full animate-pulse rounded-lg bg-slate-100 dark:bg-slate-900" />
      <div className="h-40 w-full animate-pulse rounded-lg bg-slate-100 dark:bg-slate-900" />
    </div>
  );
}
