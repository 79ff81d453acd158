import type { Frequency } from '@/db/schema';
import { LOCALE_NAMES, LOCALES, type Locale, toLocale } from '@/domain/i18n';
import {
  categoryFrequency,
  currentValue,
  type FormField,
  fieldName,
  PAUSE_DAYS,
  pauseValue,
} from '@/domain/preference-form';
import type { PreferencesView } from '@/domain/preferences';
import { formatDate, type Messages } from './messages';
import { buttonPrimary } from './shell';
import { categoryDescription, categoryName, Hidden } from './ui';

const RANK: Record<Frequency, number> = { instant: 4, daily: 3, weekly: 2, monthly: 1 };

const box = 'size-5 shrink-0 accent-[var(--accent)]';
const card = 'flex flex-col gap-3 rounded-xl border border-slate-200 p-4 dark:border-slate-800';
const hint = 'text-slate-600 text-sm dark:text-slate-400';

/**
 * The preference form: a plain HTML form that works without JavaScript. Each control carries
 * the value it was drawn with in a hidden `was:` field, so saving changes only what the person
 * changed. `reduceOnly` (an unsubscribe link's "send me less") shows only ways to get less.
 */
export function PreferenceForm({
  view,
  action,
  locale,
  t,
  reduceOnly,
  now,
}: {
  view: PreferencesView;
  action: string;
  locale: Locale;
  t: Messages;
  reduceOnly: boolean;
  now: Date;
}) {
  const was = (field: FormField) => ({ [`was:${fieldName(field)}`]: currentValue(view, field) });
  const paused = pauseValue(view, now);
  const stopped = new Set(view.subscriber.globalOptOuts);
  return (
    <form method="post" action={action} className="flex flex-col gap-6">
      <Hidden fields={{ lang: locale, 'was:pause': paused }} />
      {view.categories.map((category) => {
        const name = categoryName(category, locale);
        const description = categoryDescription(category, locale);
        const headingId = `cat-${category.slug}`;
        if (category.kind === 'transactional') {
          return (
            <section key={category.id} aria-labelledby={headingId} className={card}>
              <div>
                <h2 id={headingId} className="font-semibold text-lg">
                  {name}
                </h2>
                {description ? <p className={hint}>{description}</p> : null}
              </div>
              <p>
                <span className="font-medium">{t.prefs.alwaysOn}</span>
                {' · '}
                {category.channels.map((c) => t.channel[c.channel]).join(', ')}
              </p>
              <p className={hint}>{t.prefs.alwaysOnHint}</p>
            </section>
          );
        }
        const frequency = categoryFrequency(view, category.id);
        const subscribed = category.channels.some((c) => c.status === 'subscribed');
        const choices = category.frequencies.filter(
          (f) => !reduceOnly || (frequency !== undefined && RANK[f] <= RANK[frequency]),
        );
        const showFrequency = choices.length > 1 && (!reduceOnly || subscribed);
        return (
          <section key={category.id} aria-labelledby={headingId} className={card}>
            <div>
              <h2 id={headingId} className="font-semibold text-lg">
                {name}
              </h2>
              {description ? <p className={hint}>{description}</p> : null}
            </div>
            <fieldset className="flex flex-col gap-1">
              <legend className="sr-only">{name}</legend>
              {category.channels.map((c) => {
                const field: FormField = {
                  kind: 'sub',
                  categoryId: category.id,
                  channel: c.channel,
                };
                const on = c.status === 'subscribed';
                if (reduceOnly && !on) {
                  return (
                    <p key={c.channel} className="flex min-h-11 items-center justify-between gap-3">
                      <span>{t.channel[c.channel]}</span>
                      <span className={hint}>
                        {c.status === 'pending' ? t.prefs.pending : t.prefs.off}
                      </span>
                    </p>
                  );
                }
                return (
                  <label key={c.channel} className="flex min-h-11 items-center gap-3">
                    <input
                      type="checkbox"
                      name={fieldName(field)}
                      defaultChecked={on}
                      className={box}
                    />
                    <Hidden fields={was(field)} />
                    <span className="flex-1">{t.channel[c.channel]}</span>
                    {c.status === 'pending' ? (
                      <span className={hint}>{t.prefs.pending}</span>
                    ) : null}
                  </label>
                );
              })}
            </fieldset>
            {showFrequency ? (
              <label className="flex flex-col gap-1">
                <span className="font-medium">{t.prefs.howOften}</span>
                <select
                  name={fieldName({ kind: 'freq', categoryId: category.id })}
                  defaultValue={frequency}
                  className="min-h-11 rounded-lg border border-slate-300 bg-white px-3 dark:border-slate-700 dark:bg-slate-900"
                >
                  {choices.map((f) => (
                    <option key={f} value={f}>
                      {t.frequency[f]}
                    </option>
                  ))}
                </select>
                <Hidden fields={was({ kind: 'freq', categoryId: category.id })} />
              </label>
            ) : subscribed && frequency ? (
              <p>
                <span className="font-medium">{t.prefs.howOften}:</span> {t.frequency[frequency]}
              </p>
            ) : null}
          </section>
        );
      })}

      <section aria-labelledby="take-a-break" className={card}>
        <h2 id="take-a-break" className="font-semibold text-lg">
          {t.prefs.breakHeading}
        </h2>
        <fieldset className="flex flex-col gap-1">
          <legend className="sr-only">{t.prefs.breakHeading}</legend>
          {paused ? <p>{t.prefs.pausedUntil(formatDate(new Date(paused), locale))}</p> : null}
          <label className="flex min-h-11 items-center gap-3">
            <input type="radio" name="pause" value="" defaultChecked className={box} />
            <span>{paused ? t.prefs.keepPause : t.prefs.noBreak}</span>
          </label>
          {PAUSE_DAYS.map((days) => (
            <label key={days} className="flex min-h-11 items-center gap-3">
              <input type="radio" name="pause" value={String(days)} className={box} />
              <span>
                {t.prefs.pauseFor(days)}{' '}
                <span className={hint}>
                  ({formatDate(new Date(now.getTime() + days * 86_400_000), locale)})
                </span>
              </span>
            </label>
          ))}
          {paused && !reduceOnly ? (
            <label className="flex min-h-11 items-center gap-3">
              <input type="radio" name="pause" value="resume" className={box} />
              <span>{t.prefs.resumeNow}</span>
            </label>
          ) : null}
        </fieldset>
      </section>

      <section aria-labelledby="stop-a-channel" className={card}>
        <h2 id="stop-a-channel" className="font-semibold text-lg">
          {t.prefs.channelsHeading}
        </h2>
        <fieldset className="flex flex-col gap-1">
          <legend className="sr-only">{t.prefs.channelsHeading}</legend>
          {[...view.channels, 'all' as const].map((scope) => {
            const field: FormField = { kind: 'out', scope };
            const label =
              scope === 'all' ? t.prefs.stopEverything : t.prefs.stopChannel(t.channel[scope]);
            if (reduceOnly && stopped.has(scope)) {
              return (
                <p key={scope} className="flex min-h-11 items-center gap-3">
                  <span aria-hidden="true">✓</span>
                  <span>{label}</span>
                </p>
              );
            }
            return (
              <label key={scope} className="flex min-h-11 items-start gap-3 py-2">
                <input
                  type="checkbox"
                  name={fieldName(field)}
                  defaultChecked={stopped.has(scope)}
                  className={`${box} mt-0.5`}
                />
                <Hidden fields={was(field)} />
                <span className="flex flex-col">
                  <span>{label}</span>
                  {scope === 'all' ? (
                    <span className={hint}>{t.prefs.stopEverythingHint}</span>
                  ) : null}
                </span>
              </label>
            );
          })}
        </fieldset>
      </section>

      <section aria-labelledby="your-privacy" className={card}>
        <h2 id="your-privacy" className="font-semibold text-lg">
          {t.prefs.privacyHeading}
        </h2>
        <fieldset className="flex flex-col gap-1">
          <legend className="sr-only">{t.prefs.privacyHeading}</legend>
          {reduceOnly && view.subscriber.doNotSell ? (
            <p className="flex items-center gap-3">
              <span aria-hidden="true">✓</span>
              <span>{t.prefs.doNotSell}</span>
            </p>
          ) : (
            <label className="flex min-h-11 items-center gap-3">
              <input
                type="checkbox"
                name="dns"
                defaultChecked={view.subscriber.doNotSell}
                className={box}
              />
              <Hidden fields={was({ kind: 'dns' })} />
              <span>{t.prefs.doNotSell}</span>
            </label>
          )}
          {reduceOnly ? null : (
            <label className="flex flex-col gap-1">
              <span className="font-medium">{t.language}</span>
              <select
                name="locale"
                defaultValue={toLocale(view.subscriber.locale) ?? ''}
                className="min-h-11 rounded-lg border border-slate-300 bg-white px-3 dark:border-slate-700 dark:bg-slate-900"
              >
                {toLocale(view.subscriber.locale) ? null : <option value="">—</option>}
                {LOCALES.map((l) => (
                  <option key={l} value={l} lang={l}>
                    {LOCALE_NAMES[l]}
                  </option>
                ))}
              </select>
              <Hidden fields={{ 'was:locale': toLocale(view.subscriber.locale) ?? '' }} />
            </label>
          )}
        </fieldset>
      </section>

      <button type="submit" className={buttonPrimary}>
        {t.prefs.save}
      </button>
    </form>
  );
}
