/** While the subscribers list or search results load. */
export default function Loading() {
  return (
    <div role="status" aria-label="Loading subscribers" className="flex flex-col gap-3">
      <div className="h-7 w-40 animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-11 w-full animate-pulse rounded-lg bg-slate-100 dark:bg-slate-900" />
      <div className="h-16 w-full animate-pulse rounded-lg bg-slate-100 dark:bg-slate-900" />
      <div className="h-16 w-full animate-pulse rounded-lg bg-slate-100 dark:bg-slate-900" />
    </div>
  );
}
