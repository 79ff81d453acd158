import type { Metadata } from 'next';
import Link from 'next/link';
import type { Category } from '@/db/schema';
import { categoriesForAdmin } from '@/domain/admin-categories';
import { CHANNEL_LABELS, FREQUENCY_LABELS } from '@/domain/admin-category-validation';
import { roleAtLeast } from '@/domain/admin-guard';
import { type Locale, pick } from '@/domain/i18n';
import { pageAccess } from '../../access';
import { buttonPrimary, Notice, textLink } from '../../ui';
import { CategoryRowActions } from './category-row-actions';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Categories',
  robots: { index: false, follow: false },
};

/** The workspace's categories in the order subscribers see them; archived ones apart. */
export default async function CategoriesPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { workspace: slug } = await params;
  const query = await searchParams;
  const access = await pageAccess(decodeURIComponent(slug), 'viewer');
  const { active, archived, locales } = await categoriesForAdmin(access.workspace.id);
  const canEdit = roleAtLeast(access.role, 'editor');
  const base = `/admin/${encodeURIComponent(access.workspace.slug)}/categories`;
  const saved = typeof query.saved === 'string' ? query.saved : null;
  return (
    <>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="flex max-w-prose flex-col gap-1">
          <h1 className="font-bold text-2xl">Categories</h1>
          <p className="text-slate-700 dark:text-slate-300">
            What subscribers choose from, in this order on preference pages and forms. Senders'
            checks pick up a change within a few seconds.
          </p>
        </div>
        {canEdit ? (
          <Link href={`${base}/new`} className={buttonPrimary}>
            New category
          </Link>
        ) : null}
      </div>
      {saved ? (
        <Notice tone="success">
          <p role="status">Saved “{saved}”.</p>
        </Notice>
      ) : null}
      {!canEdit ? (
        <Notice>
          <p>You are a viewer here: you can see the categories; an editor or owner changes them.</p>
        </Notice>
      ) : null}
      <section aria-labelledby="in-use" className="flex flex-col gap-3">
        <h2 id="in-use" className="font-semibold text-lg">
          In use
        </h2>
        {active.length === 0 ? (
          <p className="rounded-lg border border-slate-300 border-dashed p-6 text-center text-slate-700 dark:border-slate-700 dark:text-slate-300">
            No categories yet.{' '}
            {canEdit ? (
              <Link href={`${base}/new`} className={textLink}>
                Create the first one
              </Link>
            ) : (
              'An editor can create the first one.'
            )}
          </p>
        ) : (
          <ol aria-label="Categories in use, in order" className="flex flex-col gap-3">
            {active.map((category, index) => (
              <CategoryCard
                key={category.id}
                category={category}
                defaultLocale={locales.defaultLocale}
                position={index + 1}
                editHref={canEdit ? `${base}/${category.id}` : null}
                actions={
                  canEdit ? (
                    <CategoryRowActions
                      workspaceSlug={access.workspace.slug}
                      categoryId={category.id}
                      name={nameOf(category, locales.defaultLocale)}
                      archived={false}
                      first={index === 0}
                      last={index === active.length - 1}
                    />
                  ) : null
                }
              />
            ))}
          </ol>
        )}
      </section>
      {archived.length > 0 ? (
        <section aria-labelledby="archived" className="flex flex-col gap-3">
          <div className="flex flex-col gap-1">
            <h2 id="archived" className="font-semibold text-lg">
              Archived
            </h2>
            <p className="max-w-prose text-slate-700 text-sm dark:text-slate-300">
              Not offered to anyone and not sendable; their consent history stays. Categories are
              never deleted.
            </p>
          </div>
          <ul aria-label="Archived categories" className="flex flex-col gap-3">
            {archived.map((category) => (
              <CategoryCard
                key={category.id}
                category={category}
                defaultLocale={locales.defaultLocale}
                editHref={canEdit ? `${base}/${category.id}` : null}
                actions={
                  canEdit ? (
                    <CategoryRowActions
                      workspaceSlug={access.workspace.slug}
                      categoryId={category.id}
                      name={nameOf(category, locales.defaultLocale)}
                      archived
                      first
                      last
                    />
                  ) : null
                }
              />
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

function nameOf(category: Category, locale: Locale): string {
  return pick(category.texts, locale)?.name ?? category.slug;
}

const ARCHIVED_ON = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

function CategoryCard({
  category,
  defaultLocale,
  position,
  editHref,
  actions,
}: {
  category: Category;
  defaultLocale: Locale;
  position?: number;
  editHref: string | null;
  actions: React.ReactNode;
}) {
  const name = nameOf(category, defaultLocale);
  return (
    <li className="flex flex-col gap-3 rounded-lg border border-slate-200 p-4 sm:flex-row sm:items-start sm:justify-between dark:border-slate-800">
      <div className="flex min-w-0 flex-col gap-2">
        <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
          {position ? (
            <span className="text-slate-600 text-sm dark:text-slate-400">
              <span className="sr-only">Position </span>
              {position}.
            </span>
          ) : null}
          <h3 className="break-words font-semibold">{name}</h3>
          <code className="break-all text-slate-700 text-sm dark:text-slate-300">
            {category.slug}
          </code>
          <span
            className={`rounded px-2 py-0.5 font-medium text-xs ${
              category.kind === 'transactional'
                ? 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-100'
                : 'bg-violet-100 text-violet-900 dark:bg-violet-950 dark:text-violet-100'
            }`}
          >
            {category.kind === 'transactional' ? 'Transactional' : 'Marketing'}
          </span>
        </div>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-slate-600 dark:text-slate-400">Channels</dt>
          <dd>{category.channels.map((c) => CHANNEL_LABELS[c]).join(', ')}</dd>
          <dt className="text-slate-600 dark:text-slate-400">Frequencies</dt>
          <dd>
            {category.frequencies.map((f, i) => (
              <span key={f}>
                {i > 0 ? ', ' : ''}
                {FREQUENCY_LABELS[f]}
                {f === category.defaultFrequency ? ' (default)' : ''}
              </span>
            ))}
          </dd>
          {category.archivedAt ? (
            <>
              <dt className="text-slate-600 dark:text-slate-400">Archived</dt>
              <dd>
                <time dateTime={category.archivedAt.toISOString()}>
                  {ARCHIVED_ON.format(category.archivedAt)}
                </time>
              </dd>
            </>
          ) : null}
        </dl>
      </div>
      {editHref || actions ? (
        <div className="flex flex-wrap items-center gap-2 sm:justify-end">
          {editHref ? (
            <Link
              href={editHref}
              className={`${textLink} inline-flex min-h-11 items-center px-2`}
              aria-label={`Edit ${name}`}
            >
              Edit
            </Link>
          ) : null}
          {actions}
        </div>
      ) : null}
    </li>
  );
}
