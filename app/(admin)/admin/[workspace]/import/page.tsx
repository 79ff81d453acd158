import type { Metadata } from 'next';
import Link from 'next/link';
import { roleAtLeast } from '@/domain/admin-guard';
import { recentImports } from '@/domain/imports';
import { pageAccess } from '../../access';
import { buttonSecondary, Notice, textLink } from '../../ui';
import { UploadForm } from './upload-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Import and export',
  robots: { index: false, follow: false },
};

const STATUS_WORDS = {
  uploading: 'Uploading',
  uploaded: 'Waiting for you to start',
  queued: 'Queued',
  running: 'Importing',
  done: 'Done',
  failed: 'Failed',
} as const;

const WHEN = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

/**
 * Imports and exports. Both carry personal data, so only editors and owners run them; a viewer
 * sees the past imports and why the buttons are not there.
 */
export default async function ImportPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'viewer');
  const canRun = roleAtLeast(access.role, 'editor');
  const base = `/admin/${encodeURIComponent(access.workspace.slug)}/import`;
  const imports = await recentImports(access.workspace.id);
  return (
    <>
      <div className="flex max-w-prose flex-col gap-1">
        <h1 className="font-bold text-2xl">Import and export</h1>
        <p className="text-slate-700 dark:text-slate-300">
          Bring existing subscribers and their consents in from a spreadsheet, and take subscribers,
          the suppression list and the consent ledger out as CSV files.
        </p>
      </div>
      {!canRun ? (
        <Notice>
          <p>
            You are a viewer here. Imports and exports contain people's personal data, so only
            editors and owners can run them.
          </p>
        </Notice>
      ) : null}

      {canRun ? (
        <section
          aria-labelledby="import-heading"
          className="flex flex-col gap-4 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
        >
          <h2 id="import-heading" className="font-semibold text-lg">
            Import subscribers
          </h2>
          <div className="flex max-w-prose flex-col gap-2 text-sm">
            <p>One row per person, with a header row naming the columns:</p>
            <ul className="list-disc pl-5">
              <li>
                <code>email</code>, <code>phone</code> (international format, like +14155550100),{' '}
                <code>external_id</code> (your own id for the person): at least one of them.
              </li>
              <li>
                <code>locale</code> (optional): the language, like <code>en</code> or{' '}
                <code>es-MX</code>.
              </li>
              <li>
                One column per category and channel, named <code>category:channel</code> (like{' '}
                <code>promotions:email</code>), holding <code>subscribed</code>,{' '}
                <code>unsubscribed</code> or nothing (no change).
              </li>
            </ul>
            <p>
              Existing subscribers are matched by external id, email or phone, never added twice.
              People who opted out themselves, were erased or are on the suppression list are
              skipped and left untouched: an import never opts them back in.
            </p>
            <p>
              <a href={`${base}/sample`} className={textLink} download>
                Download a sample CSV
              </a>{' '}
              with this workspace's categories as columns.
            </p>
          </div>
          <UploadForm workspaceSlug={access.workspace.slug} />
        </section>
      ) : null}

      {canRun ? (
        <section
          aria-labelledby="export-heading"
          className="flex flex-col gap-3 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
        >
          <h2 id="export-heading" className="font-semibold text-lg">
            Export
          </h2>
          <p className="max-w-prose text-slate-700 text-sm dark:text-slate-300">
            CSV files, made as they download, however large. Each download is written to the audit
            log.
          </p>
          <ul className="flex flex-col gap-2 sm:flex-row sm:flex-wrap">
            <li>
              <a
                href={`${base}/export/subscribers`}
                className={`${buttonSecondary} w-full sm:w-auto`}
                download
              >
                Subscribers and their subscriptions
              </a>
            </li>
            <li>
              <a
                href={`${base}/export/suppressions?channel=email`}
                className={`${buttonSecondary} w-full sm:w-auto`}
                download
              >
                Suppression list: email
              </a>
            </li>
            <li>
              <a
                href={`${base}/export/suppressions?channel=sms`}
                className={`${buttonSecondary} w-full sm:w-auto`}
                download
              >
                Suppression list: SMS
              </a>
            </li>
            <li>
              <a
                href={`${base}/export/ledger`}
                className={`${buttonSecondary} w-full sm:w-auto`}
                download
              >
                Consent ledger
              </a>
            </li>
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="recent-heading" className="flex flex-col gap-3">
        <h2 id="recent-heading" className="font-semibold text-lg">
          Recent imports
        </h2>
        {imports.length === 0 ? (
          <p className="rounded-lg border border-slate-300 border-dashed p-6 text-center text-slate-700 dark:border-slate-700 dark:text-slate-300">
            No imports yet.
          </p>
        ) : (
          <ul aria-label="Recent imports, newest first" className="flex flex-col gap-2">
            {imports.map((imp) => (
              <li
                key={imp.id}
                className="flex flex-col gap-1 rounded-lg border border-slate-200 p-3 sm:flex-row sm:items-center sm:justify-between dark:border-slate-800"
              >
                <div className="flex min-w-0 flex-col">
                  {canRun ? (
                    <Link href={`${base}/${imp.id}`} className={`${textLink} break-all`}>
                      {imp.fileName}
                    </Link>
                  ) : (
                    <span className="break-all font-medium">{imp.fileName}</span>
                  )}
                  <span className="text-slate-700 text-sm dark:text-slate-300">
                    <time dateTime={imp.createdAt.toISOString()}>
                      {WHEN.format(imp.createdAt)} UTC
                    </time>
                    {' · '}
                    {imp.totalRows.toLocaleString('en')} rows
                    {imp.status === 'done'
                      ? ` · ${imp.skippedCount.toLocaleString('en')} skipped · ${imp.errorCount.toLocaleString('en')} errors`
                      : ''}
                  </span>
                </div>
                <span className="font-medium text-sm">{STATUS_WORDS[imp.status]}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
