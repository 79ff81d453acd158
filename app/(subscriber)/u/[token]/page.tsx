import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { noteLinkVisit } from '@/domain/link-visits';
import { alreadyStopped, scopeOf } from '@/domain/unsubscribe';
import { linkView, pageLocale, requestInfo, UNSUBSCRIBE, withLang } from '../../context';
import { recordGpc } from '../../gpc';
import { messages } from '../../messages';
import { param, type Search } from '../../notices';
import { buttonPrimary, buttonSecondary, Notice, Shell } from '../../shell';
import { describeScope, Hidden } from '../../ui';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { robots: { index: false, follow: false } };

/**
 * The page an unsubscribe link opens. A GET shows what the link would stop and changes nothing
 * (link scanners open every link); the buttons POST.
 */
export default async function UnsubscribePage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Search;
}) {
  const { token } = await params;
  const stale = param(await searchParams, 'stale') === '1';
  const result = await linkView(token, UNSUBSCRIBE);
  if (!result.ok) notFound();
  const view = result.view;
  // For the analytics (who came to leave, and scanners); not consent, and never in the way.
  // A return here after a POST (`stale`) is not a new visit.
  if (!stale)
    noteLinkVisit({
      page: 'unsubscribe',
      claims: view.claims,
      userAgent: (await requestInfo()).userAgent,
    });
  const locale = await pageLocale();
  const t = messages(locale);
  const gpc = await recordGpc(view);
  const scope = scopeOf(view.claims, view.categories);
  const what = describeScope(scope, t, locale);
  const done = alreadyStopped(view, scope);
  const base = `/u/${token}`;
  return (
    <Shell brand={view.workspace} locale={locale}>
      <h1 className="font-bold text-2xl">{t.landing.heading}</h1>
      {gpc ? <Notice>{t.prefs.gpc}</Notice> : null}
      {stale ? <Notice tone="warning">{t.prefs.stale}</Notice> : null}
      {done ? (
        <Notice tone="success">{t.landing.already(what)}</Notice>
      ) : (
        <p className="text-lg">{t.landing.stops(what, view.workspace.name)}</p>
      )}
      <div className="flex flex-col gap-4">
        {done || scope.kind === 'everything' ? null : (
          <form method="post" action={`${base}/opt-out`}>
            <Hidden fields={{ which: 'this', lang: locale }} />
            <button type="submit" className={buttonPrimary}>
              {t.landing.this(what)}
            </button>
          </form>
        )}
        <a className={`${buttonSecondary} flex-col`} href={withLang(`${base}/less`, locale)}>
          <span>{t.landing.less}</span>
          <span className="font-normal text-slate-600 text-sm dark:text-slate-400">
            {t.landing.lessHint}
          </span>
        </a>
        {view.subscriber.globalOptOuts.includes('all') ? null : (
          <form method="post" action={`${base}/opt-out`} className="flex flex-col gap-2">
            <Hidden fields={{ which: 'all', lang: locale }} />
            <button
              type="submit"
              className={scope.kind === 'everything' ? buttonPrimary : buttonSecondary}
            >
              {t.landing.everything}
            </button>
            <p className="text-slate-600 text-sm dark:text-slate-400">
              {t.landing.everythingHint(view.workspace.name)}
            </p>
          </form>
        )}
      </div>
    </Shell>
  );
}
