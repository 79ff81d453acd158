import type { Analytics } from '@/domain/analytics';

const WHEN = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

/**
 * What subscribers wrote after opting out. Their words are React text, never markup: whatever
 * they typed (tags, scripts) shows as the characters they typed.
 */
export function FeedbackComments({ comments }: { comments: Analytics['comments'] }) {
  if (comments.length === 0)
    return (
      <p className="rounded-lg border border-slate-300 border-dashed p-6 text-center text-slate-700 dark:border-slate-700 dark:text-slate-300">
        No comments in this period yet.
      </p>
    );
  return (
    <ul aria-label="Recent comments, newest first" className="flex flex-col gap-3">
      {comments.map((c) => (
        <li
          key={c.id}
          className="flex flex-col gap-1 rounded-lg border border-slate-200 p-3 dark:border-slate-800"
        >
          <blockquote className="whitespace-pre-wrap break-words">{c.comment}</blockquote>
          <p className="text-slate-700 text-sm dark:text-slate-300">
            {c.reasonLabel} · opted out{' '}
            <time dateTime={c.optedOutAt}>{WHEN.format(new Date(c.optedOutAt))}</time>
          </p>
        </li>
      ))}
    </ul>
  );
}
