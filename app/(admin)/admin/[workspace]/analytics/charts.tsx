import type { ReactNode } from 'react';

/**
 * Server-rendered charts, no library: the SVG draws only bars and grid lines and stretches to
 * its box (preserveAspectRatio="none"), while every word and number around it is HTML text, so
 * labels stay legible from 390 px to a desktop. Each chart has a title and a description, and
 * its numbers are also in a table on the page.
 */

export type Tone = 'in' | 'out' | 'down' | 'neutral' | 'scanner';

export const TONE_FILL: Record<Tone, string> = {
  in: 'fill-indigo-600 dark:fill-indigo-400',
  out: 'fill-rose-600 dark:fill-rose-400',
  down: 'fill-amber-600 dark:fill-amber-400',
  neutral: 'fill-slate-500 dark:fill-slate-400',
  scanner: 'fill-slate-400 dark:fill-slate-500',
};

export const TONE_SWATCH: Record<Tone, string> = {
  in: 'bg-indigo-600 dark:bg-indigo-400',
  out: 'bg-rose-600 dark:bg-rose-400',
  down: 'bg-amber-600 dark:bg-amber-400',
  neutral: 'bg-slate-500 dark:bg-slate-400',
  scanner: 'bg-slate-400 dark:bg-slate-500',
};

const NUMBER = new Intl.NumberFormat('en-GB');
export const formatNumber = (n: number) => NUMBER.format(n);

/** A scale top that reads well: 1, 2, 5, 10, 20, 50... at or above the largest value. */
export function niceMax(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** One series over time as vertical bars, one per bucket. */
export function TimeBars({
  id,
  title,
  unitLabel,
  tone,
  points,
}: {
  id: string;
  title: string;
  /** "per week", for the description. */
  unitLabel: string;
  tone: Tone;
  /** `axis`: the shorter label written under the chart. */
  points: { label: string; axis: string; value: number }[];
}) {
  const total = points.reduce((sum, p) => sum + p.value, 0);
  const peak = points.reduce((best, p) => (p.value > best.value ? p : best), {
    label: '',
    value: 0,
  });
  const top = niceMax(peak.value);
  const slot = 10;
  const width = Math.max(1, points.length) * slot;
  const gap = points.length > 60 ? 1 : 2;
  const first = points[0]?.label ?? '';
  const last = points.at(-1)?.label ?? '';
  const axis = {
    first: points[0]?.axis ?? '',
    middle: points.length > 2 ? points[Math.floor(points.length / 2)]?.axis : undefined,
    last: points.at(-1)?.axis ?? '',
  };
  const description =
    total === 0
      ? `No ${title.toLowerCase()} between ${first} and ${last}.`
      : `${formatNumber(total)} in all, ${unitLabel}, from ${first} to ${last}. The most: ${formatNumber(peak.value)}, ${peak.label}. Every number is in the table "The numbers" below.`;
  return (
    <figure className="flex min-w-0 flex-col gap-2 rounded-lg border border-slate-200 p-3 dark:border-slate-800">
      <figcaption className="flex flex-wrap items-baseline justify-between gap-x-3">
        <span className="flex items-center gap-2 font-semibold">
          <span
            aria-hidden="true"
            className={`inline-block size-3 rounded-sm ${TONE_SWATCH[tone]}`}
          />
          {title}
        </span>
        <span className="text-slate-700 text-sm dark:text-slate-300">
          {formatNumber(total)} in all
        </span>
      </figcaption>
      <div className="flex gap-2">
        <div
          aria-hidden="true"
          className="flex h-32 w-8 shrink-0 flex-col justify-between text-right text-slate-600 text-xs tabular-nums dark:text-slate-400"
        >
          <span className="-mt-1.5">{formatNumber(top)}</span>
          <span>{formatNumber(top / 2)}</span>
          <span className="-mb-1.5">0</span>
        </div>
        <svg
          role="img"
          aria-labelledby={`${id}-title ${id}-desc`}
          viewBox={`0 0 ${width} 100`}
          preserveAspectRatio="none"
          className="h-32 w-full min-w-0 overflow-visible"
        >
          <title id={`${id}-title`}>{`${title} ${unitLabel}`}</title>
          <desc id={`${id}-desc`}>{description}</desc>
          {[0, 50, 100].map((y) => (
            <line
              key={y}
              x1={0}
              x2={width}
              y1={y}
              y2={y}
              vectorEffect="non-scaling-stroke"
              className="stroke-slate-200 dark:stroke-slate-800"
              strokeWidth={1}
            />
          ))}
          {points.map((p, i) => {
            const h = (p.value / top) * 100;
            return (
              <rect
                key={p.label}
                x={i * slot + gap / 2}
                width={slot - gap}
                y={100 - h}
                height={h}
                className={TONE_FILL[tone]}
              >
                <title>{`${p.label}: ${formatNumber(p.value)}`}</title>
              </rect>
            );
          })}
        </svg>
      </div>
      <div
        aria-hidden="true"
        className="ml-10 flex justify-between gap-2 whitespace-nowrap text-slate-600 text-xs dark:text-slate-400"
      >
        <span>{axis.first}</span>
        {axis.middle ? (
          <span className="hidden sm:inline lg:hidden xl:inline">{axis.middle}</span>
        ) : null}
        <span>{axis.last}</span>
      </div>
    </figure>
  );
}

/**
 * Labelled horizontal bars, each with its number written beside it: the bar is decoration
 * (hidden from screen readers), the text says it all.
 */
export function BarRows({
  label,
  rows,
  max,
}: {
  label: string;
  rows: { key: string; label: ReactNode; value: number; tone: Tone }[];
  max?: number;
}) {
  const top = Math.max(1, max ?? Math.max(0, ...rows.map((r) => r.value)));
  return (
    <ul aria-label={label} className="flex flex-col gap-1.5">
      {rows.map((row) => (
        <li
          key={row.key}
          className="grid grid-cols-[minmax(0,9rem)_1fr_auto] items-center gap-x-2 text-sm sm:grid-cols-[minmax(0,14rem)_1fr_auto]"
        >
          <span className="break-words">{row.label}</span>
          <svg
            aria-hidden="true"
            viewBox="0 0 100 10"
            preserveAspectRatio="none"
            className="h-3 w-full min-w-0"
          >
            <rect
              x={0}
              y={0}
              width={100}
              height={10}
              className="fill-slate-100 dark:fill-slate-900"
            />
            <rect
              x={0}
              y={0}
              width={row.value > 0 ? Math.max(1, (row.value / top) * 100) : 0}
              height={10}
              className={TONE_FILL[row.tone]}
            />
          </svg>
          <span className="min-w-10 text-right tabular-nums">{formatNumber(row.value)}</span>
        </li>
      ))}
    </ul>
  );
}

/** A table that scrolls inside its own labelled region on a narrow screen, never the page. */
export function ScrollTable({ label, children }: { label: string; children: ReactNode }) {
  return (
    <section
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must be reachable by keyboard (axe: scrollable-region-focusable)
      tabIndex={0}
      className="max-w-full overflow-x-auto rounded-lg focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600"
    >
      {children}
    </section>
  );
}
