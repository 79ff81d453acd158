import type { Metadata } from 'next';
import { CHANNELS } from '@/db/schema';
import {
  ACTION_WINDOW_HOURS,
  type Analytics,
  CHANNEL_NAMES,
  DEFAULT_UNIT,
  FAST_SECONDS,
  parseAnalyticsQuery,
  RANGES,
  UNITS,
  workspaceAnalytics,
} from '@/domain/analytics';
import { pageAccess } from '../../access';
import { buttonPrimary, input } from '../../ui';
import { BarRows, formatNumber, ScrollTable, TimeBars, type Tone } from './charts';
import { FeedbackComments } from './feedback-comments';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Analytics',
  robots: { index: false, follow: false },
};

const RANGE_NAMES = { '30': 'Last 30 days', '90': 'Last 90 days', '365': 'Last 365 days' };
const UNIT_NAMES = { day: 'Day', week: 'Week', month: 'Month' };
const PER_UNIT = { day: 'per day', week: 'per week', month: 'per month' };
const KINDS = [
  { kind: 'in', title: 'Opt-ins' },
  { kind: 'out', title: 'Opt-outs' },
  { kind: 'down', title: 'Opt-downs' },
] as const;
const DATE = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

const emptyBox =
  'rounded-lg border border-slate-300 border-dashed p-6 text-center text-slate-700 dark:border-slate-700 dark:text-slate-300';
const sectionBox = 'flex min-w-0 flex-col gap-3';
const muted = 'text-slate-700 text-sm dark:text-slate-300';

/**
 * What subscribers did, and why they left (issue 7, item 7). Every member may read it. The
 * filters are a plain GET form, so the page works without JavaScript and every view has a URL.
 */
export default async function AnalyticsPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { workspace: slug } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'viewer');
  const query = parseAnalyticsQuery(await searchParams);
  const data = await workspaceAnalytics(access.workspace.id, query);
  const { period } = data;
  const nothing =
    data.totals.in + data.totals.out + data.totals.down === 0 &&
    data.visits.visits === 0 &&
    data.reasons.length === 0;
  return (
    <>
      <div className="flex max-w-prose flex-col gap-1">
        <h1 className="font-bold text-2xl">Analytics</h1>
        <p className="text-slate-700 dark:text-slate-300">
          Who opted in, who left and who chose less instead, and why. From{' '}
          {DATE.format(period.from)} to today ({DATE.format(period.to)}); dates are in UTC.
        </p>
      </div>

      <Filters data={data} query={query} />

      {nothing ? (
        <p className={emptyBox}>
          Nothing happened in this period yet
          {data.filters.categoryId || data.filters.channel ? ' for this category and channel' : ''}.
          Opt-ins, opt-outs and the reasons people give appear here as subscribers use their links,
          preference pages and your forms.
        </p>
      ) : null}

      <section aria-labelledby="over-time" className={sectionBox}>
        <div className="flex flex-col gap-1">
          <h2 id="over-time" className="font-semibold text-lg">
            Over time
          </h2>
          <p className={`${muted} max-w-prose`}>
            <strong>Opt-in</strong>: a subscription turned on (or an opt-out from everything
            lifted). <strong>Opt-out</strong>: a subscription turned off, or an opt-out from a whole
            channel or from everything. <strong>Opt-down</strong>: fewer messages (a lower
            frequency) or a pause. Bounces and expired confirmations are not counted.
          </p>
        </div>
        <div className="grid gap-3 lg:grid-cols-3">
          {KINDS.map(({ kind, title }) => (
            <TimeBars
              key={kind}
              id={`chart-${kind}`}
              title={title}
              unitLabel={PER_UNIT[period.unit]}
              tone={kind as Tone}
              points={data.series.map((p) => ({
                label: p.label,
                axis: p.axisLabel,
                value: p[kind],
              }))}
            />
          ))}
        </div>
        <details className="rounded-lg border border-slate-200 p-3 dark:border-slate-800">
          <summary className="min-h-11 cursor-pointer content-center font-medium">
            The numbers, {PER_UNIT[period.unit]}
          </summary>
          <ScrollTable label={`Opt-ins, opt-outs and opt-downs ${PER_UNIT[period.unit]}`}>
            <table className="mt-2 w-full text-left text-sm tabular-nums">
              <caption className="sr-only">
                Opt-ins, opt-outs and opt-downs {PER_UNIT[period.unit]}
              </caption>
              <thead>
                <tr className="border-slate-200 border-b dark:border-slate-800">
                  <th scope="col" className="py-2 pr-3 font-semibold">
                    {UNIT_NAMES[period.unit]}
                  </th>
                  <th scope="col" className="py-2 pr-3 text-right font-semibold">
                    Opt-ins
                  </th>
                  <th scope="col" className="py-2 pr-3 text-right font-semibold">
                    Opt-outs
                  </th>
                  <th scope="col" className="py-2 text-right font-semibold">
                    Opt-downs
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.series.map((p) => (
                  <tr key={p.bucket} className="border-slate-100 border-b dark:border-slate-900">
                    <th scope="row" className="py-1.5 pr-3 font-normal">
                      {p.label}
                    </th>
                    <td className="py-1.5 pr-3 text-right">{formatNumber(p.in)}</td>
                    <td className="py-1.5 pr-3 text-right">{formatNumber(p.out)}</td>
                    <td className="py-1.5 text-right">{formatNumber(p.down)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr className="font-semibold">
                  <th scope="row" className="py-2 pr-3">
                    In all
                  </th>
                  <td className="py-2 pr-3 text-right">{formatNumber(data.totals.in)}</td>
                  <td className="py-2 pr-3 text-right">{formatNumber(data.totals.out)}</td>
                  <td className="py-2 text-right">{formatNumber(data.totals.down)}</td>
                </tr>
              </tfoot>
            </table>
          </ScrollTable>
        </details>
      </section>

      <div className="grid gap-6 md:grid-cols-2">
        <Breakdown id="by-category" title="By category" rows={data.byCategory} />
        <Breakdown id="by-channel" title="By channel" rows={data.byChannel} />
      </div>

      <SaveRate data={data} />
      <LinkOpens data={data} />

      <section aria-labelledby="feedback" className={sectionBox}>
        <div className="flex flex-col gap-1">
          <h2 id="feedback" className="font-semibold text-lg">
            Why people left
          </h2>
          <p className={`${muted} max-w-prose`}>
            The optional question after an opt-out. Counted by the date of the opt-out.
          </p>
        </div>
        {data.reasons.length === 0 ? (
          <p className={emptyBox}>No answers in this period yet.</p>
        ) : (
          <BarRows
            label="Reasons given, with how many people gave each"
            rows={data.reasons.map((r) => ({
              key: r.reason,
              label: r.label,
              value: r.count,
              tone: 'out',
            }))}
          />
        )}
        <h3 className="font-semibold">Recent comments</h3>
        <FeedbackComments comments={data.comments} />
      </section>
    </>
  );
}

function Filters({
  data,
  query,
}: {
  data: Analytics;
  query: ReturnType<typeof parseAnalyticsQuery>;
}) {
  const select = `${input} pr-8`;
  const field = 'flex min-w-0 flex-col gap-1 text-sm font-medium';
  return (
    <form
      method="get"
      aria-label="What to show"
      className="grid grid-cols-1 items-end gap-3 rounded-lg border border-slate-200 p-3 sm:grid-cols-2 lg:grid-cols-[repeat(4,minmax(0,1fr))_auto] dark:border-slate-800"
    >
      <label className={field}>
        Period
        <select name="range" defaultValue={query.range} className={select}>
          {RANGES.map((r) => (
            <option key={r} value={r}>
              {RANGE_NAMES[r]}
            </option>
          ))}
        </select>
      </label>
      <label className={field}>
        Group by
        <select name="group" defaultValue={query.group ?? ''} className={select}>
          <option value="">
            Automatic ({UNIT_NAMES[DEFAULT_UNIT[query.range]].toLowerCase()})
          </option>
          {UNITS.map((u) => (
            <option key={u} value={u}>
              {UNIT_NAMES[u]}
            </option>
          ))}
        </select>
      </label>
      <label className={field}>
        Category
        <select name="category" defaultValue={data.filters.categoryId ?? ''} className={select}>
          <option value="">Every category</option>
          {data.categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
              {c.archived ? ' (archived)' : ''}
            </option>
          ))}
        </select>
      </label>
      <label className={field}>
        Channel
        <select name="channel" defaultValue={data.filters.channel ?? ''} className={select}>
          <option value="">Every channel</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {CHANNEL_NAMES[c]}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className={`${buttonPrimary} sm:col-span-2 lg:col-span-1`}>
        Show
      </button>
    </form>
  );
}

function Breakdown({
  id,
  title,
  rows,
}: {
  id: string;
  title: string;
  rows: Analytics['byCategory'];
}) {
  const max = Math.max(0, ...rows.flatMap((r) => [r.in, r.out, r.down]));
  return (
    <section aria-labelledby={id} className={sectionBox}>
      <h2 id={id} className="font-semibold text-lg">
        {title}
      </h2>
      {rows.length === 0 ? (
        <p className={emptyBox}>No opt-ins, opt-outs or opt-downs in this period.</p>
      ) : (
        <ul
          aria-label={`Opt-ins, opt-outs and opt-downs ${title.toLowerCase()}`}
          className="flex flex-col gap-4"
        >
          {rows.map((row) => (
            <li key={row.key} className="flex flex-col gap-1.5">
              <h3 className="font-medium">{row.label}</h3>
              <BarRows
                label={row.label}
                max={max}
                rows={KINDS.map(({ kind, title: name }) => ({
                  key: kind,
                  label: name,
                  value: row[kind],
                  tone: kind,
                }))}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function percent(value: number | null): string {
  return value === null ? '–' : `${Math.round(value * 100)} %`;
}

function SaveRate({ data }: { data: Analytics }) {
  const { visits } = data;
  return (
    <section aria-labelledby="save-rate" className={sectionBox}>
      <h2 id="save-rate" className="font-semibold text-lg">
        Save rate
      </h2>
      <div className="flex flex-col gap-3 rounded-lg border border-slate-200 p-4 sm:flex-row sm:items-center sm:gap-6 dark:border-slate-800">
        <p className="flex flex-col">
          <span className="font-bold text-4xl tabular-nums">{percent(data.saveRate)}</span>
          <span className={muted}>
            {visits.cameToLeave === 0
              ? 'Nobody came to leave in this period.'
              : `${formatNumber(visits.saved)} of ${formatNumber(visits.cameToLeave)} people who came to leave stayed`}
          </span>
        </p>
        <p className={`${muted} max-w-prose`} id="save-rate-definition">
          <strong>How it is counted.</strong> People who came to leave: subscribers who opened an
          unsubscribe link (its page or “send me less”) and then changed something themselves within{' '}
          {ACTION_WINDOW_HOURS} hours. Saved: those who opted down or paused and did not opt out.
          The save rate is saved ÷ came to leave. Opens that nothing followed are counted apart,
          below.
        </p>
      </div>
      {visits.cameToLeave > 0 ? (
        <BarRows
          label="What the people who came to leave did"
          max={visits.cameToLeave}
          rows={[
            {
              key: 'saved',
              label: 'Stayed: opted down or paused',
              value: visits.saved,
              tone: 'down',
            },
            { key: 'left', label: 'Opted out', value: visits.left, tone: 'out' },
            {
              key: 'other',
              label: 'Something else',
              value: visits.cameToLeave - visits.saved - visits.left,
              tone: 'neutral',
            },
          ]}
        />
      ) : null}
    </section>
  );
}

function LinkOpens({ data }: { data: Analytics }) {
  const { visits } = data;
  const scanners = visits.scannerAgent + visits.tooFast + visits.noAction;
  return (
    <section aria-labelledby="link-opens" className={sectionBox}>
      <div className="flex flex-col gap-1">
        <h2 id="link-opens" className="font-semibold text-lg">
          Link opens: people and suspected scanners
        </h2>
        <p className={`${muted} max-w-prose`}>
          Mail security scanners open every link in a message before the person sees it. An open
          counts as a person’s when that subscriber changed something within {ACTION_WINDOW_HOURS}{' '}
          hours. It is a suspected scanner when its browser names itself as a scanner, when it came
          within {FAST_SECONDS} seconds of the link being made (senders make links as they send), or
          when nothing followed within {ACTION_WINDOW_HOURS} hours (a person who only looked is
          counted here too). Opens never change anyone’s consent.
        </p>
      </div>
      {visits.visits === 0 ? (
        <p className={emptyBox}>No link opens in this period yet.</p>
      ) : (
        <>
          <p>
            <strong className="tabular-nums">{formatNumber(visits.visits)}</strong> opens:{' '}
            <strong className="tabular-nums">{formatNumber(visits.people)}</strong> by people,{' '}
            <strong className="tabular-nums">{formatNumber(scanners)}</strong> suspected scanners
            {visits.tooEarly > 0 ? `, ${formatNumber(visits.tooEarly)} too recent to tell` : ''}.
          </p>
          <BarRows
            label="Link opens by kind"
            rows={[
              { key: 'people', label: 'People', value: visits.people, tone: 'in' },
              {
                key: 'agent',
                label: 'Scanner by its browser name',
                value: visits.scannerAgent,
                tone: 'scanner',
              },
              {
                key: 'fast',
                label: `Within ${FAST_SECONDS} s of the link`,
                value: visits.tooFast,
                tone: 'scanner',
              },
              {
                key: 'nothing',
                label: `Nothing followed in ${ACTION_WINDOW_HOURS} h`,
                value: visits.noAction,
                tone: 'scanner',
              },
              ...(visits.tooEarly > 0
                ? [
                    {
                      key: 'early',
                      label: 'Too recent to tell',
                      value: visits.tooEarly,
                      tone: 'neutral' as const,
                    },
                  ]
                : []),
            ]}
          />
        </>
      )}
    </section>
  );
}
