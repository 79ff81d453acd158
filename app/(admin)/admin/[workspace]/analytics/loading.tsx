/** While the analytics are computed. */
export default function Loading() {
  return (
    <div role="status" className="flex flex-col gap-3" aria-label="Loading the analytics">
      <div className="h-7 w-40 animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-16 w-full animate-pulse rounded-lg bg-slate-100 dark:bg-slate-900" />
      <div className="grid gap-3 lg:grid-cols-3">
        <div className="h-48 animate-pulse rounded-lg bg-slate-100 dark:bg-slate-900" />
        <div className="h-48 animate-pulse rounded-lg bg-slate-100 dark:bg-slate-900" />
        <div className="h-48 animate-pulse rounded-lg bg-slate-100 dark:bg-slate-900" />
      </div>
    </div>
  );
}
