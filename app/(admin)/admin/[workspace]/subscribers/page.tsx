import type { Metadata } from 'next';
import Link from 'next/link';
import {
  SEARCH_LIMIT,
  type SubscriberListItem,
  searchSubscribersForAdmin,
  subscriberSearchSchema,
} from '@/domain/admin-subscribers';
import { pageAccess } from '../../access';
import { buttonPrimary, input, Notice, textLink } from '../../ui';
import { SHORT_DATE } from './words';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Subscribers',
  robots: { index: false, follow: false },
};

/**
 * Find a person: one box for an email address, a phone number or an external id, matched exactly
 * (normalised as the API does) in this workspace only. Without a search, the newest subscribers.
 */
export default async function SubscribersPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { workspace: slug } = await params;
  const query = await searchParams;
  const access = await pageAccess(decodeURIComponent(slug), 'viewer');
  const parsed = subscriberSearchSchema.safeParse({
    q: typeof query.q === 'string' ? query.q : undefined,
  });
  const q = parsed.success ? parsed.data.q : '';
  const search = await searchSubscribersForAdmin(access.workspace.id, q);
  const base = `/admin/${encodeURIComponent(access.workspace.slug)}/subscribers`;
  return (
    <>
      <div className="flex max-w-prose flex-col gap-1">
        <h1 className="font-bold text-2xl">Subscribers</h1>
        <p className="text-slate-700 dark:text-slate-300">
          Find a person to see their subscriptions, their whole consent history with its evidence,
          and to answer what they had agreed to on a given day.
        </p>
      </div>
      <search aria-label="Subscribers">
        <form method="get" action={base} className="flex flex-col gap-2 sm:flex-row sm:items-end">
          <div className="flex flex-1 flex-col gap-1">
            <label htmlFor="subscriber-search" className="font-medium">
              Email, phone number or external id
            </label>
            <input
              id="subscriber-search"
              name="q"
              type="search"
              defaultValue={q}
              autoComplete="off"
              spellCheck={false}
              aria-describedby="subscriber-search-hint"
              className={input}
            />
            <span
              id="subscriber-search-hint"
              className="text-slate-600 text-sm dark:text-slate-400"
            >
              Exact match. Phone numbers in international format, like +1 415 555 0100.
            </span>
          </div>
          <button type="submit" className={`${buttonPrimary} sm:mb-7`}>
            Search
          </button>
        </form>
      </search>
      {!parsed.success ? (
        <Notice tone="error">
          <p>{parsed.error.issues[0]?.message ?? 'Check the search.'}</p>
        </Notice>
      ) : null}
      {search.query ? (
        <section aria-labelledby="results" className="flex flex-col gap-3">
          <h2 id="results" className="font-semibold text-lg">
            {search.results.length === 0
              ? 'No subscriber matches'
              : `${search.results.length === 1 ? 'One subscriber matches' : `${search.results.length} subscribers match`}`}
          </h2>
          {search.results.length === 0 ? (
            <div
              role="status"
              className="flex flex-col gap-2 rounded-lg border border-slate-300 border-dashed p-6 text-slate-700 dark:border-slate-700 dark:text-slate-300"
            >
              <p>
                Nobody in {access.workspace.name} matches “{search.query}”.
              </p>
              {search.lookedFor.length > 0 ? (
                <p>Looked for it as: {search.lookedFor.join('; ')}.</p>
              ) : null}
              <p>
                Check the spelling, or search by another key. A person erased at their request is
                found only by their subscriber id.
              </p>
              <p>
                <Link href={base} className={textLink}>
                  Show the newest subscribers
                </Link>
              </p>
            </div>
          ) : (
            <SubscriberList items={search.results} base={base} label="Matching subscribers" />
          )}
        </section>
      ) : search.total === 0 ? (
        <div className="flex flex-col gap-2 rounded-lg border border-slate-300 border-dashed p-6 text-slate-700 dark:border-slate-700 dark:text-slate-300">
          <h2 className="font-semibold text-lg text-slate-900 dark:text-slate-100">
            No subscribers yet
          </h2>
          <p>People arrive here when they:</p>
          <ul className="list-disc pl-6">
            <li>sign up through one of your forms (embedded on your site);</li>
            <li>are added or subscribed by your systems through the sender API;</li>
            <li>are imported from a CSV file;</li>
            <li>text a keyword to your SMS number.</li>
          </ul>
          <p>Each one then has a consent history you can read and prove here.</p>
        </div>
      ) : (
        <section aria-labelledby="newest" className="flex flex-col gap-3">
          <div className="flex flex-col gap-1">
            <h2 id="newest" className="font-semibold text-lg">
              Newest subscribers
            </h2>
            <p className="text-slate-700 text-sm dark:text-slate-300">
              {search.total > SEARCH_LIMIT
                ? `The ${SEARCH_LIMIT} newest of ${search.total.toLocaleString('en')}. Search to find anyone else.`
                : `All ${search.total} in this workspace.`}
            </p>
          </div>
          <SubscriberList items={search.results} base={base} label="Newest subscribers" />
        </section>
      )}
    </>
  );
}

function SubscriberList({
  items,
  base,
  label,
}: {
  items: SubscriberListItem[];
  base: string;
  label: string;
}) {
  return (
    <ul aria-label={label} className="flex flex-col gap-2">
      {items.map((s) => {
        const name = s.erased ? 'Erased subscriber' : (s.email ?? s.phone ?? s.externalId ?? s.id);
        return (
          <li
            key={s.id}
            className="flex flex-col gap-1 rounded-lg border border-slate-200 p-3 dark:border-slate-800"
          >
            <Link href={`${base}/${s.id}`} className={`${textLink} break-all`}>
              {name}
            </Link>
            <dl className="flex flex-wrap gap-x-4 gap-y-1 text-slate-700 text-sm dark:text-slate-300">
              {!s.erased && s.email && s.phone ? (
                <div className="flex gap-1">
                  <dt>Phone</dt>
                  <dd className="break-all">{s.phone}</dd>
                </div>
              ) : null}
              {!s.erased && s.externalId && name !== s.externalId ? (
                <div className="flex gap-1">
                  <dt>External id</dt>
                  <dd className="break-all">{s.externalId}</dd>
                </div>
              ) : null}
              <div className="flex gap-1">
                <dt>Since</dt>
                <dd>
                  <time dateTime={s.createdAt.toISOString()}>{SHORT_DATE.format(s.createdAt)}</time>
                </dd>
              </div>
              <div className="flex gap-1">
                <dt>Consent events</dt>
                <dd>{s.events}</dd>
              </div>
              {s.erased ? (
                <div className="flex gap-1">
                  <dt className="sr-only">Status</dt>
                  <dd>Erased at their request</dd>
                </div>
              ) : null}
            </dl>
          </li>
        );
      })}
    </ul>
  );
}
