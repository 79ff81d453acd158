import type { Metadata } from 'next';
import Link from 'next/link';
import { CHANNEL_LABELS } from '@/domain/admin-category-validation';
import { categoryName, FIELD_LABELS } from '@/domain/admin-form-validation';
import { formEditorData, formsForAdmin } from '@/domain/admin-forms';
import { roleAtLeast } from '@/domain/admin-guard';
import { pageAccess } from '../../access';
import { buttonPrimary, Notice, textLink } from '../../ui';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Forms',
  robots: { index: false, follow: false },
};

/** The workspace's embedded signup and checkout forms. */
export default async function FormsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'viewer');
  const [forms, data] = await Promise.all([
    formsForAdmin(access.workspace.id),
    formEditorData(access.workspace.id),
  ]);
  const canEdit = roleAtLeast(access.role, 'editor');
  const base = `/admin/${encodeURIComponent(access.workspace.slug)}/forms`;
  const nameOf = (categorySlug: string) => {
    const category = data.categories.find((c) => c.slug === categorySlug);
    return category ? categoryName(category, data.defaultLocale) : categorySlug;
  };
  return (
    <>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="flex max-w-prose flex-col gap-1">
          <h1 className="font-bold text-2xl">Forms</h1>
          <p className="text-slate-700 dark:text-slate-300">
            Signup and checkout forms for your own sites: paste a form’s snippet into a page and it
            appears there, asks for consent, and records it.
          </p>
        </div>
        {canEdit ? (
          <Link href={`${base}/new`} className={buttonPrimary}>
            New form
          </Link>
        ) : null}
      </div>
      {!canEdit ? (
        <Notice>
          <p>
            You are a viewer here: you can see the forms and their snippets; an editor or owner
            changes them.
          </p>
        </Notice>
      ) : null}
      {forms.length === 0 ? (
        <p className="rounded-lg border border-slate-300 border-dashed p-6 text-center text-slate-700 dark:border-slate-700 dark:text-slate-300">
          No forms yet.{' '}
          {canEdit ? (
            <Link href={`${base}/new`} className={textLink}>
              Create the first one
            </Link>
          ) : (
            'An editor can create the first one.'
          )}
        </p>
      ) : (
        <ul aria-label="Forms" className="flex flex-col gap-3">
          {forms.map((form) => (
            <li
              key={form.id}
              className="flex flex-col gap-3 rounded-lg border border-slate-200 p-4 sm:flex-row sm:items-start sm:justify-between dark:border-slate-800"
            >
              <div className="flex min-w-0 flex-col gap-2">
                <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                  <h2 className="break-words font-semibold">{form.name}</h2>
                  <code className="break-all text-slate-700 text-sm dark:text-slate-300">
                    {form.slug}
                  </code>
                </div>
                <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
                  <dt className="text-slate-600 dark:text-slate-400">Asks for</dt>
                  <dd>{form.fields.map((f) => FIELD_LABELS[f]).join(', ')}</dd>
                  <dt className="text-slate-600 dark:text-slate-400">Offers</dt>
                  <dd className="break-words">
                    {form.categorySlugs.map(nameOf).join(', ')} by{' '}
                    {form.channels.map((c) => CHANNEL_LABELS[c]).join(', ')}
                  </dd>
                  <dt className="text-slate-600 dark:text-slate-400">Sites</dt>
                  <dd className="break-all">
                    {form.allowedOrigins.length > 0 ? (
                      form.allowedOrigins.join(', ')
                    ) : (
                      <span className="text-amber-800 dark:text-amber-300">
                        None yet: it can’t be shown anywhere
                      </span>
                    )}
                  </dd>
                </dl>
              </div>
              <Link
                href={`${base}/${encodeURIComponent(form.slug)}`}
                className={`${textLink} inline-flex min-h-11 shrink-0 items-center px-2`}
                aria-label={`${canEdit ? 'Edit' : 'View'} ${form.name}`}
              >
                {canEdit ? 'Edit' : 'View'}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
