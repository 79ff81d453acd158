import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { db } from '@/db/client';
import { findWorkspaceBySlug } from '@/db/queries/workspaces';
import { brandOf } from '@/domain/preferences';
import { config } from '@/platform/config';
import { pageLocale } from '../../../context';
import { messages } from '../../../messages';
import { param, type Search } from '../../../notices';
import { buttonPrimary, Notice, Shell } from '../../../shell';
import { Hidden } from '../../../ui';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { robots: { index: false, follow: false } };

/** For someone with no link at hand, or an expired one: type an address, get a fresh link. */
export default async function LinkRequestPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Search;
}) {
  const { workspace: slug } = await params;
  const query = await searchParams;
  const workspace = await findWorkspaceBySlug(await db(), decodeURIComponent(slug));
  if (!workspace) notFound();
  const brand = brandOf(workspace);
  const locale = await pageLocale();
  const t = messages(locale);
  const state = param(query, 'state');
  return (
    <Shell brand={brand} locale={locale}>
      <h1 className="font-bold text-2xl">{t.link.heading}</h1>
      {state === 'sent' ? (
        <Notice tone="success">{t.link.sent(config().preferencesLinkDays)}</Notice>
      ) : (
        <p>{t.link.body(brand.name)}</p>
      )}
      {state === 'limited' ? (
        <Notice tone="warning">{t.link.limited(Number(param(query, 'retry') ?? '60'))}</Notice>
      ) : null}
      <form method="post" action={`/w/${slug}/link/send`} className="flex flex-col gap-4">
        <Hidden fields={{ lang: param(query, 'lang') }} />
        <label className="flex flex-col gap-1">
          <span className="font-medium">{t.link.label}</span>
          <input
            type="email"
            name="email"
            required
            autoComplete="email"
            inputMode="email"
            aria-invalid={state === 'invalid' ? true : undefined}
            aria-describedby={state === 'invalid' ? 'email-error' : undefined}
            className="min-h-11 rounded-lg border border-slate-300 px-3 dark:border-slate-700 dark:bg-slate-900"
          />
          {state === 'invalid' ? (
            <span id="email-error" className="text-red-700 text-sm dark:text-red-400">
              {t.link.invalid}
            </span>
          ) : null}
        </label>
        <button type="submit" className={buttonPrimary}>
          {t.link.button}
        </button>
      </form>
    </Shell>
  );
}
