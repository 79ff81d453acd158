import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CHANNEL_LABELS, FREQUENCY_LABELS } from '@/domain/admin-category-validation';
import {
  type ChainCheck,
  channelWords,
  formatUtc,
  parseBefore,
  STATUS_WORDS,
  type SubscriberDetail,
  subscriberForAdmin,
  subscriberTimeline,
  verifySubscriberForAdmin,
} from '@/domain/admin-subscribers';
import {
  type ConsentAtReport,
  consentAtForSubscriber,
  consentAtQuestionSchema,
  REASON_WORDS,
} from '@/domain/consent-at';
import { DomainError } from '@/domain/errors';
import { pageAccess } from '../../../access';
import { buttonPrimary, buttonSecondary, input, Notice, textLink } from '../../../ui';
import { ANSWER_WORDS, datetimeLocalUtc, SHORT_DATE } from '../words';
import { LedgerEventCard } from './timeline';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Subscriber',
  robots: { index: false, follow: false },
};

type Query = Record<string, string | string[] | undefined>;
const one = (q: Query, key: string) =>
  typeof q[key] === 'string' ? (q[key] as string) : undefined;

/**
 * One person: who they are to the workspace, what they are subscribed to now, the whole ledger
 * newest first, "were they subscribed at D?", the chain check and the consent receipt. Every
 * member may read it; nothing here changes consent.
 */
export default async function SubscriberPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string; id: string }>;
  searchParams: Promise<Query>;
}) {
  const { workspace: slug, id } = await params;
  const query = await searchParams;
  const access = await pageAccess(decodeURIComponent(slug), 'viewer');
  const workspaceId = access.workspace.id;
  const subscriber = await subscriberForAdmin(workspaceId, id);
  if (!subscriber) notFound();
  const before = parseBefore(one(query, 'before'));
  const asked = one(query, 'at') !== undefined;
  const question = asked
    ? consentAtQuestionSchema.safeParse({
        category: one(query, 'category') ?? '',
        channel: one(query, 'channel') ?? '',
        at: one(query, 'at') ?? '',
      })
    : undefined;
  const [timeline, chain, answer] = await Promise.all([
    subscriberTimeline({ workspaceId, subscriberId: subscriber.id, beforeSeq: before }),
    one(query, 'verify') ? verifySubscriberForAdmin(workspaceId, subscriber.id) : undefined,
    question?.success
      ? consentAtForSubscriber({
          workspaceId,
          subscriberId: subscriber.id,
          ...question.data,
        }).catch((error) => {
          if (error instanceof DomainError && error.code === 'not_found') return error.message;
          throw error;
        })
      : undefined,
  ]);
  const base = `/admin/${encodeURIComponent(access.workspace.slug)}/subscribers`;
  const self = `${base}/${subscriber.id}`;
  const name = subscriber.erased
    ? 'Erased subscriber'
    : (subscriber.email ?? subscriber.phone ?? subscriber.externalId ?? 'Subscriber');
  return (
    <>
      <p>
        <Link href={base} className={textLink}>
          ← All subscribers
        </Link>
      </p>
      <div className="flex flex-col gap-1">
        <h1 className="break-all font-bold text-2xl">{name}</h1>
        <p className="text-slate-700 dark:text-slate-300">
          Consent record in {access.workspace.name}. All times are in UTC.
        </p>
      </div>
      <Identity subscriber={subscriber} />

      <section aria-labelledby="proof" className="flex flex-col gap-3">
        <h2 id="proof" className="font-semibold text-lg">
          Proof
        </h2>
        <div className="flex flex-wrap gap-2">
          <form method="get" action={`${self}#proof`}>
            <input type="hidden" name="verify" value="1" />
            <button type="submit" className={buttonSecondary}>
              Verify the chain
            </button>
          </form>
          {/* Plain links, not next/link: a prefetch would record an export nobody made. */}
          <a href={`${self}/receipt.json`} download className={buttonSecondary}>
            Download consent receipt (JSON)
          </a>
          <a href={`${self}/receipt`} className={buttonSecondary}>
            Printable consent receipt
          </a>
        </div>
        {chain ? <ChainResult chain={chain} /> : null}
      </section>

      <Subscriptions subscriber={subscriber} />

      <section aria-labelledby="at-date" className="flex flex-col gap-3">
        <div className="flex max-w-prose flex-col gap-1">
          <h2 id="at-date" className="font-semibold text-lg">
            Was this person subscribed on a given date?
          </h2>
          <p className="text-slate-700 text-sm dark:text-slate-300">
            Answered from the ledger alone: every event up to and including that moment.
          </p>
        </div>
        <form
          method="get"
          action={`${self}#at-date`}
          className="grid grid-cols-1 gap-3 sm:grid-cols-[1fr_1fr_1.4fr_auto] sm:items-end"
        >
          <div className="flex flex-col gap-1">
            <label htmlFor="at-category" className="font-medium">
              Category
            </label>
            <select
              id="at-category"
              name="category"
              defaultValue={one(query, 'category') ?? subscriber.categories[0]?.slug}
              className={input}
            >
              {subscriber.categories.map((c) => (
                <option key={c.slug} value={c.slug}>
                  {c.name}
                  {c.archived ? ' (archived)' : ''}
                </option>
              ))}
            </select>
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor="at-channel" className="font-medium">
              Channel
            </label>
            <select
              id="at-channel"
              name="channel"
              defaultValue={one(query, 'channel') ?? 'email'}
              className={input}
            >
              {(Object.keys(CHANNEL_LABELS) as (keyof typeof CHANNEL_LABELS)[]).map((c) => (
                <option key={c} value={c}>
                  {CHANNEL_LABELS[c]}
                </option>
              ))}
            </select>
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor="at-moment" className="font-medium">
              Date and time (UTC)
            </label>
            <input
              id="at-moment"
              name="at"
              type="datetime-local"
              step="1"
              required
              defaultValue={one(query, 'at') ?? datetimeLocalUtc(new Date())}
              aria-invalid={question && !question.success ? true : undefined}
              aria-describedby={question && !question.success ? 'at-error' : undefined}
              className={input}
            />
          </div>
          <button type="submit" className={buttonPrimary}>
            Check
          </button>
        </form>
        {question && !question.success ? (
          <Notice tone="error">
            <p id="at-error">{question.error.issues[0]?.message ?? 'Check the question.'}</p>
          </Notice>
        ) : null}
        {typeof answer === 'string' ? (
          <Notice tone="error">
            <p>{answer}</p>
          </Notice>
        ) : answer ? (
          <ConsentAnswer report={answer} categoryName={categoryNameOf(subscriber, answer)} />
        ) : null}
      </section>

      <section aria-labelledby="history" className="flex flex-col gap-3">
        <div className="flex flex-col gap-1">
          <h2 id="history" className="font-semibold text-lg">
            Consent history
          </h2>
          <p className="text-slate-700 text-sm dark:text-slate-300">
            Every change in the ledger, newest first ({subscriber.chainHead.seq}{' '}
            {subscriber.chainHead.seq === 1 ? 'event' : 'events'}).
          </p>
        </div>
        {timeline.events.length === 0 ? (
          <p className="rounded-lg border border-slate-300 border-dashed p-6 text-center text-slate-700 dark:border-slate-700 dark:text-slate-300">
            {before
              ? 'No older events.'
              : 'No consent events yet: this person is known, but has never opted in or out.'}
          </p>
        ) : (
          <ol aria-label="Consent events, newest first" className="flex flex-col gap-3">
            {timeline.events.map((e) => (
              <li key={e.seq}>
                <LedgerEventCard event={e} />
              </li>
            ))}
          </ol>
        )}
        <nav aria-label="Consent history pages" className="flex flex-wrap gap-4">
          {before ? (
            <Link href={`${self}#history`} className={textLink}>
              Newest events
            </Link>
          ) : null}
          {timeline.olderBefore ? (
            <Link href={`${self}?before=${timeline.olderBefore}#history`} className={textLink}>
              Older events
            </Link>
          ) : null}
        </nav>
      </section>
    </>
  );
}

function categoryNameOf(subscriber: SubscriberDetail, report: ConsentAtReport) {
  return (
    subscriber.categories.find((c) => c.slug === report.category.slug)?.name ?? report.category.slug
  );
}

function Identity({ subscriber }: { subscriber: SubscriberDetail }) {
  const row = (label: string, value: string | null) =>
    value ? (
      <>
        <dt className="text-slate-600 dark:text-slate-400">{label}</dt>
        <dd className="break-all">{value}</dd>
      </>
    ) : null;
  return (
    <section aria-labelledby="identity" className="flex flex-col gap-2">
      <h2 id="identity" className="font-semibold text-lg">
        Who
      </h2>
      {subscriber.erased ? (
        <Notice tone="warning">
          <p>
            Erased at their request
            {subscriber.erasedAt ? ` on ${formatUtc(subscriber.erasedAt)}` : ''}. Their address,
            phone, external id and evidence were deleted; the ledger below keeps what proves their
            consent, without personal data.
          </p>
        </Notice>
      ) : null}
      <dl className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-[10rem_1fr]">
        {row('Email', subscriber.email)}
        {row('Phone', subscriber.phone)}
        {row('External id', subscriber.externalId)}
        {row('Language', subscriber.locale)}
        {row('Subscriber id', subscriber.id)}
        {row('Known since', formatUtc(subscriber.createdAt))}
      </dl>
    </section>
  );
}

const STATUS_TONE: Record<string, string> = {
  subscribed: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100',
  pending: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
  unsubscribed: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100',
  none: 'bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-100',
};

function Subscriptions({ subscriber }: { subscriber: SubscriberDetail }) {
  const now = Date.now();
  const paused = subscriber.pausedUntil && subscriber.pausedUntil.getTime() > now;
  const blocks: string[] = [];
  if (paused && subscriber.pausedUntil)
    blocks.push(`Paused: no marketing messages until ${formatUtc(subscriber.pausedUntil)}.`);
  for (const o of subscriber.globalOptOuts)
    blocks.push(
      `Opted out of everything on ${channelWords(o.scope === 'all' ? null : o.scope)}${o.own ? ' (their own choice)' : ''}.`,
    );
  for (const c of subscriber.smsKeywordBlocks)
    blocks.push(
      `Carrier block on ${channelWords(c)}: they texted STOP; nothing can be sent there.`,
    );
  if (subscriber.doNotSell) blocks.push('Asked not to have their data sold or shared.');
  return (
    <section aria-labelledby="subscriptions" className="flex flex-col gap-3">
      <h2 id="subscriptions" className="font-semibold text-lg">
        Subscriptions now
      </h2>
      {blocks.length > 0 ? (
        <Notice tone="warning">
          <ul aria-label="Opt-outs and blocks" className="flex flex-col gap-1">
            {blocks.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        </Notice>
      ) : (
        <p className="text-slate-700 text-sm dark:text-slate-300">
          No pause, no opt-out of everything, no carrier block.
        </p>
      )}
      {subscriber.categories.length === 0 ? (
        <p className="text-slate-700 dark:text-slate-300">This workspace has no categories yet.</p>
      ) : (
        <ul
          aria-label="Subscriptions by category"
          className="grid grid-cols-1 gap-3 md:grid-cols-2"
        >
          {subscriber.categories.map((c) => (
            <li
              key={c.slug}
              className="flex flex-col gap-2 rounded-lg border border-slate-200 p-3 dark:border-slate-800"
            >
              <h3 className="font-semibold">
                {c.name}{' '}
                <span className="font-normal text-slate-600 text-sm dark:text-slate-400">
                  {c.kind === 'transactional' ? 'Transactional: always on' : 'Marketing'}
                  {c.archived ? ' · archived' : ''}
                </span>
              </h3>
              <dl className="grid grid-cols-[6rem_1fr] gap-x-3 gap-y-1 text-sm">
                {c.cells.map((cell) => (
                  <div key={cell.channel} className="contents">
                    <dt>{CHANNEL_LABELS[cell.channel]}</dt>
                    <dd>
                      <span
                        className={`rounded px-1.5 py-0.5 font-medium text-xs ${STATUS_TONE[c.kind === 'transactional' && cell.status === 'none' ? 'subscribed' : cell.status]}`}
                      >
                        {cell.status !== 'none'
                          ? STATUS_WORDS[cell.status]
                          : c.kind === 'transactional'
                            ? 'always on'
                            : 'never subscribed'}
                      </span>
                      {cell.status === 'subscribed' && cell.frequency
                        ? ` · ${FREQUENCY_LABELS[cell.frequency]}`
                        : ''}
                      {cell.updatedAt ? (
                        <span className="text-slate-600 dark:text-slate-400">
                          {' '}
                          · since{' '}
                          <time dateTime={cell.updatedAt.toISOString()}>
                            {SHORT_DATE.format(cell.updatedAt)}
                          </time>
                        </span>
                      ) : null}
                    </dd>
                  </div>
                ))}
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ChainResult({ chain }: { chain: ChainCheck }) {
  return chain.ok ? (
    <Notice tone="success">
      <div role="status" className="flex flex-col gap-1">
        <p className="font-semibold">
          Chain intact: {chain.events} {chain.events === 1 ? 'event' : 'events'}, head hash{' '}
          <code className="break-all font-mono text-sm">{chain.head.hash || '(none)'}</code>
        </p>
        <p className="text-sm">
          Every event's hash matches its content and links to the one before; the evidence still
          held matches its digests. Checked {formatUtc(chain.checkedAt)}.
        </p>
      </div>
    </Notice>
  ) : (
    <Notice tone="error">
      <div role="alert" className="flex flex-col gap-1">
        <p className="font-semibold">Chain broken: this record was changed outside Dial.</p>
        <ul className="list-disc pl-6">
          {chain.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
        <p className="text-sm">
          Head recorded: event #{chain.head.seq}, hash{' '}
          <code className="break-all font-mono">{chain.head.hash || '(none)'}</code>
        </p>
      </div>
    </Notice>
  );
}

function ConsentAnswer({
  report,
  categoryName,
}: {
  report: ConsentAtReport;
  categoryName: string;
}) {
  const tone =
    report.answer === 'yes' ? 'success' : report.answer === 'pending' ? 'warning' : 'info';
  return (
    <div className="flex flex-col gap-3" data-testid="consent-at-answer">
      <Notice tone={tone}>
        <div role="status" className="flex flex-col gap-1">
          <p className="font-semibold text-lg">
            {ANSWER_WORDS[report.answer]}: {categoryName} by {channelWords(report.channel)} at{' '}
            {formatUtc(report.at)}
          </p>
          <p>{REASON_WORDS[report.reason]}</p>
          <p className="text-sm">
            Based on {report.eventsConsidered} of the person's ledger events (those up to that
            moment).
          </p>
        </div>
      </Notice>
      {report.decidedBy ? (
        <div className="flex flex-col gap-2">
          <h3 className="font-semibold">The event that made it so</h3>
          <LedgerEventCard event={report.decidedBy} headingLevel={4} />
        </div>
      ) : null}
      {report.subscriptionEvent ? (
        <div className="flex flex-col gap-2">
          <h3 className="font-semibold">The subscription at that moment</h3>
          <LedgerEventCard event={report.subscriptionEvent} headingLevel={4} />
        </div>
      ) : null}
      {report.pause ? (
        <div className="flex flex-col gap-2">
          <h3 className="font-semibold">The pause in force</h3>
          <LedgerEventCard event={report.pause.event} headingLevel={4} />
        </div>
      ) : null}
    </div>
  );
}
