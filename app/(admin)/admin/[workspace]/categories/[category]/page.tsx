import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { categoryForAdmin } from '@/domain/admin-categories';
import { LOCALES, pick } from '@/domain/i18n';
import { pageAccess } from '../../../access';
import { Notice, textLink } from '../../../ui';
import { CategoryForm } from '../category-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Edit category',
  robots: { index: false, follow: false },
};

export default async function EditCategoryPage({
  params,
}: {
  params: Promise<{ workspace: string; category: string }>;
}) {
  const { workspace: slug, category: categoryId } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'editor');
  // Another workspace's category is not found here, like one that does not exist.
  const found = await categoryForAdmin(access.workspace.id, categoryId);
  if (!found) notFound();
  const { category, locales, hasHistory } = found;
  const name = pick(category.texts, locales.defaultLocale)?.name ?? category.slug;
  const texts = Object.fromEntries(
    LOCALES.map((l) => [
      l,
      { name: category.texts[l]?.name ?? '', description: category.texts[l]?.description ?? '' },
    ]),
  );
  return (
    <>
      <div className="flex flex-col gap-1">
        <Link
          href={`/admin/${encodeURIComponent(access.workspace.slug)}/categories`}
          className={`${textLink} self-start text-sm`}
        >
          Back to categories
        </Link>
        <h1 className="break-words font-bold text-2xl">Edit {name}</h1>
      </div>
      {category.archivedAt ? (
        <Notice tone="warning">
          <p>This category is archived: nobody is offered it until it is unarchived.</p>
        </Notice>
      ) : null}
      <CategoryForm
        workspaceSlug={access.workspace.slug}
        locales={locales.locales}
        defaultLocale={locales.defaultLocale}
        kindLocked={hasHistory}
        initial={{
          categoryId: category.id,
          slug: category.slug,
          kind: category.kind,
          texts,
          channels: category.channels,
          frequencies: category.frequencies,
          defaultFrequency: category.defaultFrequency,
        }}
      />
    </>
  );
}
