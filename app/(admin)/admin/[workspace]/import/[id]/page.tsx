import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CHANNEL_LABELS } from '@/domain/admin-category-validation';
import {
  type ImportPreview,
  importForAdmin,
  mappableCategories,
  mappingFormValues,
  progressOf,
} from '@/domain/imports';
import { pageAccess } from '../../../access';
import { Notice, textLink } from '../../../ui';
import { ImportProgressView } from './import-progress';
import { MappingForm } from './mapping-form';
import { StartButton } from './start-button';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Import',
  robots: { index: false, follow: false },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One import: its mapping and dry run until started, then its progress and error report. */
export default async function ImportDetailPage({
  params,
}: {
  params: Promise<{ workspace: string; id: string }>;
}) {
  const { workspace: slug, id } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'editor');
  if (!UUID.test(id)) notFound();
  const imp = await importForAdmin(access.workspace.id, id);
  if (!imp) notFound();
  const base = `/admin/${encodeURIComponent(access.workspace.slug)}/import`;
  const categories = await mappableCategories(access.workspace.id);
  const preview = imp.preview as ImportPreview | null;
  const mapped = imp.status === 'uploaded';
  return (
    <>
      <div className="flex flex-col gap-1">
        <p>
          <Link href={base} className={textLink}>
            Import and export
          </Link>
        </p>
        <h1 className="break-all font-bold text-2xl">Import of {imp.fileName}</h1>
        <p className="text-slate-700 dark:text-slate-300">
          {imp.totalRows.toLocaleString('en')} rows, {imp.header.length} columns.
        </p>
      </div>

      {mapped ? (
        <>
          <section aria-labelledby="mapping-heading" className="flex flex-col gap-3">
            <h2 id="mapping-heading" className="font-semibold text-lg">
              1. Which column holds what
            </h2>
            <MappingForm
              workspaceSlug={access.workspace.slug}
              header={imp.header}
              categories={categories.map((c) => ({
                slug: c.slug,
                channels: c.channels.map((ch) => ({ value: ch, label: CHANNEL_LABELS[ch] })),
              }))}
              initial={mappingFormValues(imp.id, imp.mapping, categories)}
            />
          </section>
          <section aria-labelledby="preview-heading" className="flex flex-col gap-3">
            <h2 id="preview-heading" className="font-semibold text-lg">
              2. Preview (nothing applied yet)
            </h2>
            {preview ? (
              <PreviewView preview={preview} />
            ) : (
              <Notice tone="warning">
                <p>Choose the email, phone or external id column and press “Update preview”.</p>
              </Notice>
            )}
          </section>
          <section aria-labelledby="start-heading" className="flex flex-col gap-3">
            <h2 id="start-heading" className="font-semibold text-lg">
              3. Start
            </h2>
            <p className="max-w-prose text-slate-700 text-sm dark:text-slate-300">
              The import runs in the background, a batch at a time; you can leave this page and come
              back. Each row is checked again as it is applied.
            </p>
            <StartButton
              workspaceSlug={access.workspace.slug}
              importId={imp.id}
              disabled={!preview || preview.valid === 0}
            />
          </section>
        </>
      ) : (
        <ImportProgressView
          progressUrl={`${base}/${imp.id}/progress`}
          errorsUrl={`${base}/${imp.id}/errors`}
          initial={progressOf(imp)}
        />
      )}
    </>
  );
}

function PreviewView({ preview }: { preview: ImportPreview }) {
  const n = (value: number) => value.toLocaleString('en');
  const skipped =
    preview.skipped.optedOut + preview.skipped.suppressed + preview.skipped.duplicates;
  return (
    <div className="flex flex-col gap-4">
      <dl aria-label="What the import will do" className="grid grid-cols-2 gap-2 sm:grid-cols-4">
        <Stat label="Rows in the file" value={n(preview.total)} />
        <Stat
          label="Will be applied"
          value={n(preview.valid)}
          note={`${n(preview.newSubscribers)} new, ${n(preview.existingSubscribers)} existing`}
        />
        <Stat label="Errors" value={n(preview.invalid)} note="Not applied; fix and import again" />
        <Stat
          label="Will be skipped"
          value={n(skipped)}
          note={`${n(preview.skipped.optedOut)} opted out, ${n(preview.skipped.suppressed)} erased or suppressed, ${n(preview.skipped.duplicates)} duplicates`}
        />
      </dl>
      {preview.sample.length > 0 ? (
        <div className="flex flex-col gap-2">
          <h3 className="font-semibold">The first rows, as they will be applied</h3>
          <ul aria-label="The first rows as they will be applied" className="flex flex-col gap-2">
            {preview.sample.map((s) => (
              <li
                key={s.row}
                className="flex flex-col gap-1 rounded-lg border border-slate-200 p-3 text-sm dark:border-slate-800"
              >
                <span className="font-medium">
                  Row {s.row}: {s.action === 'create' ? 'new subscriber' : 'existing subscriber'}
                </span>
                <span className="break-all">
                  {[s.email, s.phone, s.externalId && `id ${s.externalId}`, s.locale]
                    .filter(Boolean)
                    .join(' · ')}
                </span>
                <span className="text-slate-700 dark:text-slate-300">
                  {s.changes.length === 0
                    ? 'No consent change'
                    : s.changes
                        .map((c) => `${c.category} by ${CHANNEL_LABELS[c.channel]}: ${c.status}`)
                        .join('; ')}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {preview.problems.length > 0 ? (
        <div className="flex flex-col gap-2">
          <h3 className="font-semibold">
            Rows that will not be applied
            {preview.problems.length < preview.invalid + skipped
              ? ` (the first ${preview.problems.length}; the full list is in the error report)`
              : ''}
          </h3>
          <ul aria-label="Rows that will not be applied" className="flex flex-col gap-1 text-sm">
            {preview.problems.map((p) => (
              <li
                key={p.row}
                className="rounded border border-slate-200 px-3 py-2 dark:border-slate-800"
              >
                <span className="font-medium">
                  Row {p.row}, {p.kind === 'error' ? 'error' : 'skipped'}:
                </span>{' '}
                {p.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

function Stat({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className="flex flex-col rounded-lg bg-slate-100 p-3 dark:bg-slate-900">
      <dt className="text-slate-700 text-sm dark:text-slate-300">{label}</dt>
      <dd className="font-bold text-xl">{value}</dd>
      {note ? <dd className="text-slate-700 text-xs dark:text-slate-300">{note}</dd> : null}
    </div>
  );
}
