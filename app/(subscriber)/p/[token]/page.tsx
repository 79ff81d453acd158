import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { noteLinkVisit } from '@/domain/link-visits';
import { linkView, PREFERENCES, pageLocale, requestInfo, withLang } from '../../context';
import { recordGpc } from '../../gpc';
import { messages } from '../../messages';
import { param, SaveNotice, type Search } from '../../notices';
import { PreferenceForm } from '../../preference-form';
import { buttonPrimary, buttonSecondary, link, Notice, Shell } from '../../shell';
import { Hidden } from '../../ui';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { robots: { index: false, follow: false } };

/** The preference center a "manage preferences" link opens. Reading it changes nothing. */
export default async function PreferencesPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Search;
}) {
  const { token } = await params;
  const query = await searchParams;
  const result = await linkView(token, PREFERENCES);
  if (!result.ok) notFound();
  const view = result.view;
  // For the analytics; the page after saving (`notice`) is not a new visit.
  if (!param(query, 'notice'))
    noteLinkVisit({
      page: 'preferences',
      claims: view.claims,
      userAgent: (await requestInfo()).userAgent,
    });
  const locale = await pageLocale();
  const t = messages(locale);
  const base = `/p/${token}`;
  if (view.subscriber.erased) {
    return (
      <Shell brand={view.workspace} locale={locale}>
        <h1 className="font-bold text-2xl">{t.prefs.erasedHeading}</h1>
        <p>{t.prefs.erasedBody}</p>
      </Shell>
    );
  }
  const gpc = await recordGpc(view);
  if (param(query, 'erase') === 'confirm') {
    return (
      <Shell brand={view.workspace} locale={locale}>
        <h1 className="font-bold text-2xl">{t.prefs.eraseHeading}</h1>
        <p>{t.prefs.eraseBody(view.workspace.name)}</p>
        <form method="post" action={`${base}/erase`} className="flex flex-col gap-4">
          <Hidden fields={{ lang: locale }} />
          <label className="flex min-h-11 items-center gap-3">
            <input
              type="checkbox"
              name="confirm"
              value="yes"
              required
              className="size-5 accent-[var(--accent)]"
            />
            <span>{t.prefs.eraseConfirm}</span>
          </label>
          <button type="submit" className={buttonPrimary}>
            {t.prefs.eraseButton}
          </button>
          <a className={buttonSecondary} href={withLang(base, locale)}>
            {t.prefs.cancel}
          </a>
        </form>
      </Shell>
    );
  }
  return (
    <Shell brand={view.workspace} locale={locale}>
      <div className="flex flex-col gap-1">
        <h1 className="font-bold text-2xl">{t.prefs.heading}</h1>
        <p className="text-slate-600 dark:text-slate-400">{t.prefs.intro(view.workspace.name)}</p>
      </div>
      {gpc ? <Notice>{t.prefs.gpc}</Notice> : null}
      <SaveNotice notice={param(query, 'notice')} reasons={param(query, 'reasons')} t={t} />
      <PreferenceForm
        view={view}
        action={`${base}/save`}
        locale={locale}
        t={t}
        reduceOnly={false}
        now={new Date()}
      />
      <section aria-labelledby="your-data" className="flex flex-col gap-2">
        <h2 id="your-data" className="font-semibold text-lg">
          {t.prefs.dataHeading}
        </h2>
        <p className="flex flex-wrap gap-x-6 gap-y-2">
          <a className={link} href={`${base}/data`} download="my-data.json">
            {t.prefs.download}
          </a>
          <a className={link} href={withLang(base, locale, { erase: 'confirm' })}>
            {t.prefs.erase}
          </a>
        </p>
      </section>
    </Shell>
  );
}
