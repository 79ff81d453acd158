/** While the import page's data loads. */
export default function Loading() {
  return (
    <div role="status" className="flex flex-col gap-3" aria-label="Loading">
      <div className="h-7 w-48 animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-4 w-full max-w-md animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-40 w-full animate-pulse rounded-lg bg-slate-100 dark:bg-slate-900" />
    </div>
  );
}
