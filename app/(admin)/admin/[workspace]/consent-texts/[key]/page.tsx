import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { consentTextForAdmin } from '@/domain/admin-consent-texts';
import { roleAtLeast } from '@/domain/admin-guard';
import { pageAccess } from '../../../access';
import { buttonPrimary, Notice, textLink } from '../../../ui';
import { localeName, WRITTEN_AT } from '../written-at';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Consent text',
  robots: { index: false, follow: false },
};

/** Every version of one consent text, every language, newest first: never edited or deleted. */
export default async function ConsentTextPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string; key: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { workspace: slug, key: rawKey } = await params;
  const query = await searchParams;
  const access = await pageAccess(decodeURIComponent(slug), 'viewer');
  const key = decodeURIComponent(rawKey);
  // Another workspace's text is not found here, like one that does not exist.
  const text = await consentTextForAdmin(access.workspace.id, key);
  if (!text) notFound();
  const canEdit = roleAtLeast(access.role, 'editor');
  const base = `/admin/${encodeURIComponent(access.workspace.slug)}/consent-texts`;
  const saved = typeof query.saved === 'string' ? /^([a-z]{2})-(\d+)$/.exec(query.saved) : null;
  return (
    <>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="flex min-w-0 flex-col gap-1">
          <Link href={base} className={`${textLink} self-start text-sm`}>
            Back to consent texts
          </Link>
          <h1 className="break-all font-bold text-2xl">{text.key}</h1>
          <p className="max-w-prose text-slate-700 dark:text-slate-300">
            Every version in every language, newest first. Versions are never changed or deleted.
          </p>
        </div>
        {canEdit ? (
          <Link href={`${base}/${encodeURIComponent(text.key)}/new`} className={buttonPrimary}>
            New version
          </Link>
        ) : null}
      </div>
      {saved?.[1] && saved[2] ? (
        <Notice tone="success">
          <p role="status">
            Saved version {saved[2]} in {localeName(saved[1])}.
          </p>
        </Notice>
      ) : null}
      {text.byLocale.map(({ locale, versions }) => (
        <section key={locale} aria-labelledby={`locale-${locale}`} className="flex flex-col gap-3">
          <h2 id={`locale-${locale}`} className="font-semibold text-lg">
            {localeName(locale)}
          </h2>
          <ol
            aria-label={`${localeName(locale)} versions, newest first`}
            className="flex flex-col gap-3"
          >
            {versions.map((v, index) => (
              <li
                key={v.id}
                className="flex flex-col gap-2 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
              >
                <h3 className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                  <span className="font-semibold">Version {v.version}</span>
                  {index === 0 ? (
                    <span className="rounded bg-emerald-100 px-2 py-0.5 font-medium text-emerald-900 text-xs dark:bg-emerald-950 dark:text-emerald-100">
                      Current
                    </span>
                  ) : null}
                </h3>
                <p className="text-slate-700 text-sm dark:text-slate-300">
                  Written{' '}
                  <time dateTime={v.createdAt.toISOString()}>
                    {WRITTEN_AT.format(v.createdAt)} UTC
                  </time>
                  {v.writtenBy ? (
                    <>
                      {' '}
                      by <span className="break-all">{v.writtenBy}</span>
                    </>
                  ) : null}
                </p>
                {/* Plain text: React escapes it; line breaks shown as written. */}
                <blockquote
                  lang={locale}
                  className="whitespace-pre-wrap break-words border-slate-300 border-l-4 pl-3 dark:border-slate-700"
                >
                  {v.body}
                </blockquote>
              </li>
            ))}
          </ol>
        </section>
      ))}
    </>
  );
}
