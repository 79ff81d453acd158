import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { embedMessages } from '@/app/(embed)/embed-messages';
import { db } from '@/db/client';
import { findWorkspaceById, listCategories } from '@/db/queries/workspaces';
import { pendingForConfirmation } from '@/domain/embed';
import { negotiateLocale, pick } from '@/domain/i18n';
import { brandOf } from '@/domain/preferences';
import { requestInfo } from '../../context';
import { messages } from '../../messages';
import { param, type Search } from '../../notices';
import { buttonPrimary, Notice, Shell } from '../../shell';
import { Hidden } from '../../ui';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Confirm', robots: { index: false, follow: false } };

/**
 * The double opt-in link's page. Mail scanners open every link, so the GET shows a button and
 * confirms nothing; the POST behind the button confirms.
 */
export default async function ConfirmPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Search;
}) {
  const { token } = await params;
  const query = await searchParams;
  const found = await pendingForConfirmation(decodeURIComponent(token));
  if (!found) notFound();
  const dbh = await db();
  const [workspace, categories] = await Promise.all([
    findWorkspaceById(dbh, found.claims.workspaceId),
    listCategories(dbh, found.claims.workspaceId),
  ]);
  if (!workspace) notFound();
  const { url, acceptLanguage } = await requestInfo();
  const locale = negotiateLocale({
    explicit: url.searchParams.get('lang'),
    stored: found.subscriber.locale,
    acceptLanguage,
    fallback: workspace.settings.defaultLocale,
  });
  const t = embedMessages(locale);
  const what = messages(locale).what;
  const phrase = new Intl.ListFormat(locale, { type: 'conjunction' }).format(
    found.asked.map((a) => {
      const category = categories.find((c) => c.id === a.categoryId);
      return what.categoryOn(
        pick(category?.texts, locale)?.name ?? category?.slug ?? '',
        a.channel,
      );
    }),
  );
  const state = param(query, 'state');
  return (
    <Shell brand={brandOf(workspace)} locale={locale}>
      <h1 className="font-bold text-2xl">{t.confirm.title}</h1>
      {state === 'confirmed' ? <Notice tone="success">{t.confirm.confirmed}</Notice> : null}
      {state === 'already' ||
      (!state && found.stillPending.length === 0 && found.done.length > 0) ? (
        <Notice tone="success">{t.confirm.already}</Notice>
      ) : null}
      {state === 'nothing_pending' ||
      state === 'invalid' ||
      (!state && found.stillPending.length === 0 && found.done.length === 0) ? (
        <Notice tone="warning">{t.confirm.nothing}</Notice>
      ) : null}
      {found.stillPending.length > 0 ? (
        <form method="post" action={`/c/${token}/confirm`} className="flex flex-col gap-4">
          <Hidden fields={{ lang: locale }} />
          <p className="text-lg">{t.confirm.body(phrase, workspace.name)}</p>
          <button type="submit" className={buttonPrimary}>
            {t.confirm.button}
          </button>
        </form>
      ) : null}
    </Shell>
  );
}
