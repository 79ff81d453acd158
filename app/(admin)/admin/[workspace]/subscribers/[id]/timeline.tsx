import type { TimelineEvent } from '@/domain/admin-subscribers';
import { formatUtc } from '@/domain/admin-subscribers';

/**
 * One ledger event as a compliance officer reads it: what changed, from what to what, how and
 * when (UTC), the evidence stored with it, the consent wording it names and the feedback given.
 * Every value that came from a person or a sender (user agent, comment, details) is a React text
 * node, so it is shown escaped, never as markup.
 */
export function LedgerEventCard({
  event,
  headingLevel = 3,
}: {
  event: TimelineEvent | (Omit<TimelineEvent, 'occurredAt'> & { occurredAt: string | Date });
  headingLevel?: 3 | 4;
}) {
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  const occurredAt = new Date(event.occurredAt);
  return (
    <article
      aria-label={`Event ${event.seq}: ${event.title}`}
      className="flex flex-col gap-2 rounded-lg border border-slate-200 p-3 break-inside-avoid dark:border-slate-800"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <Heading className="font-semibold">{event.title}</Heading>
        <time
          dateTime={occurredAt.toISOString()}
          className="text-slate-700 text-sm dark:text-slate-300"
        >
          {formatUtc(occurredAt)}
        </time>
      </div>
      {event.change ? <p>{event.change}</p> : null}
      <dl className="grid grid-cols-1 gap-x-3 gap-y-1 text-sm sm:grid-cols-[12rem_1fr]">
        <dt className="text-slate-600 dark:text-slate-400">How</dt>
        <dd>
          {event.sourceWords}
          {event.own ? (
            <span className="ml-2 inline-block rounded bg-amber-100 px-1.5 py-0.5 font-medium text-amber-900 text-xs dark:bg-amber-950 dark:text-amber-100">
              Their own choice: only they can reverse it
            </span>
          ) : null}
        </dd>
        {event.evidence === null ? (
          <>
            <dt className="text-slate-600 dark:text-slate-400">Evidence</dt>
            <dd>Deleted with the erasure (the ledger still holds its digest).</dd>
          </>
        ) : event.evidence.length === 0 ? (
          <>
            <dt className="text-slate-600 dark:text-slate-400">Evidence</dt>
            <dd>None recorded.</dd>
          </>
        ) : (
          event.evidence.map(([label, value]) => (
            <EvidenceLine key={label} label={label} value={value} />
          ))
        )}
        {event.feedback ? (
          <>
            <dt className="text-slate-600 dark:text-slate-400">Reason given</dt>
            <dd>{event.feedback.reasonWords ?? 'None chosen'}</dd>
            {event.feedback.comment !== null ? (
              <>
                <dt className="text-slate-600 dark:text-slate-400">Their comment</dt>
                <dd className="whitespace-pre-wrap break-words" data-feedback-comment="">
                  {event.feedback.comment}
                </dd>
              </>
            ) : null}
          </>
        ) : null}
        <dt className="text-slate-600 dark:text-slate-400">Ledger entry</dt>
        <dd className="break-all font-mono text-xs">
          #{event.seq} · hash {event.hash}
        </dd>
      </dl>
      {event.consentText ? (
        <figure className="flex flex-col gap-1 rounded-md bg-slate-50 p-2 text-sm dark:bg-slate-900">
          <figcaption className="text-slate-700 dark:text-slate-300">
            Consent text shown: {event.consentText.key}, {event.consentText.locale}, version{' '}
            {event.consentText.version}
          </figcaption>
          <blockquote className="whitespace-pre-wrap break-words">
            {event.consentText.body}
          </blockquote>
        </figure>
      ) : null}
    </article>
  );
}

function EvidenceLine({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt className="text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="whitespace-pre-wrap break-all">{value}</dd>
    </>
  );
}
