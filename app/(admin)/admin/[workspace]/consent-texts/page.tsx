import type { Metadata } from 'next';
import Link from 'next/link';
import { consentTextsForAdmin } from '@/domain/admin-consent-texts';
import { roleAtLeast } from '@/domain/admin-guard';
import { pageAccess } from '../../access';
import { buttonPrimary, Notice, textLink } from '../../ui';
import { localeName, WRITTEN_AT } from './written-at';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Consent texts',
  robots: { index: false, follow: false },
};

/** Every consent text of the workspace, with the current version of each language. */
export default async function ConsentTextsPage({
  params,
}: {
  params: Promise<{ workspace: string }>;
}) {
  const { workspace: slug } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'viewer');
  const { texts } = await consentTextsForAdmin(access.workspace.id);
  const canEdit = roleAtLeast(access.role, 'editor');
  const base = `/admin/${encodeURIComponent(access.workspace.slug)}/consent-texts`;
  return (
    <>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="flex max-w-prose flex-col gap-1">
          <h1 className="font-bold text-2xl">Consent texts</h1>
          <p className="text-slate-700 dark:text-slate-300">
            The wording people agree to when they opt in, per language. A change is a new version;
            every version stays readable, and each consent names the version it was given to.
          </p>
        </div>
        {canEdit ? (
          <Link href={`${base}/new`} className={buttonPrimary}>
            New consent text
          </Link>
        ) : null}
      </div>
      {!canEdit ? (
        <Notice>
          <p>
            You are a viewer here: you can read every version; an editor or owner writes new ones.
          </p>
        </Notice>
      ) : null}
      {texts.length === 0 ? (
        <p className="rounded-lg border border-slate-300 border-dashed p-6 text-center text-slate-700 dark:border-slate-700 dark:text-slate-300">
          No consent texts yet.{' '}
          {canEdit ? (
            <Link href={`${base}/new`} className={textLink}>
              Write the first one
            </Link>
          ) : (
            'An editor can write the first one.'
          )}
        </p>
      ) : (
        <ul aria-label="Consent texts" className="flex flex-col gap-3">
          {texts.map((text) => (
            <li
              key={text.key}
              className="flex flex-col gap-3 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
            >
              <h2 className="break-all font-semibold">
                <Link href={`${base}/${encodeURIComponent(text.key)}`} className={textLink}>
                  {text.key}
                </Link>
              </h2>
              <ul aria-label={`Languages of ${text.key}`} className="flex flex-col gap-2 text-sm">
                {text.locales.map((l) => (
                  <li key={l.locale} className="flex flex-wrap gap-x-3 gap-y-0.5">
                    <span className="font-medium">{localeName(l.locale)}</span>
                    <span>version {l.version}</span>
                    <span className="text-slate-700 dark:text-slate-300">
                      written{' '}
                      <time dateTime={l.createdAt.toISOString()}>
                        {WRITTEN_AT.format(l.createdAt)} UTC
                      </time>
                      {l.writtenBy ? (
                        <>
                          {' '}
                          by <span className="break-all">{l.writtenBy}</span>
                        </>
                      ) : null}
                    </span>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
