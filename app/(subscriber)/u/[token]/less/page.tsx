import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { noteLinkVisit } from '@/domain/link-visits';
import { linkView, pageLocale, requestInfo, UNSUBSCRIBE } from '../../../context';
import { messages } from '../../../messages';
import { param, SaveNotice, type Search } from '../../../notices';
import { PreferenceForm } from '../../../preference-form';
import { Shell } from '../../../shell';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { robots: { index: false, follow: false } };

/** "Send me less instead": the preference form with an unsubscribe link's reduce-only power. */
export default async function LessPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Search;
}) {
  const { token } = await params;
  const query = await searchParams;
  const result = await linkView(token, UNSUBSCRIBE);
  if (!result.ok) notFound();
  const view = result.view;
  // For the analytics; the page after saving (`notice`) is not a new visit.
  if (!param(query, 'notice'))
    noteLinkVisit({
      page: 'less',
      claims: view.claims,
      userAgent: (await requestInfo()).userAgent,
    });
  const locale = await pageLocale();
  const t = messages(locale);
  return (
    <Shell brand={view.workspace} locale={locale}>
      <div className="flex flex-col gap-1">
        <h1 className="font-bold text-2xl">{t.landing.less}</h1>
        <p className="text-slate-600 dark:text-slate-400">{t.prefs.reduceIntro}</p>
      </div>
      <SaveNotice notice={param(query, 'notice')} reasons={param(query, 'reasons')} t={t} />
      <PreferenceForm
        view={view}
        action={`/u/${token}/save`}
        locale={locale}
        t={t}
        reduceOnly
        now={new Date()}
      />
    </Shell>
  );
}
