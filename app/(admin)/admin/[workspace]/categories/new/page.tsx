import type { Metadata } from 'next';
import Link from 'next/link';
import { categoriesForAdmin } from '@/domain/admin-categories';
import { pageAccess } from '../../../access';
import { textLink } from '../../../ui';
import { CategoryForm } from '../category-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'New category',
  robots: { index: false, follow: false },
};

export default async function NewCategoryPage({
  params,
}: {
  params: Promise<{ workspace: string }>;
}) {
  const { workspace: slug } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'editor');
  const { locales } = await categoriesForAdmin(access.workspace.id);
  return (
    <>
      <div className="flex flex-col gap-1">
        <Link
          href={`/admin/${encodeURIComponent(access.workspace.slug)}/categories`}
          className={`${textLink} self-start text-sm`}
        >
          Back to categories
        </Link>
        <h1 className="font-bold text-2xl">New category</h1>
      </div>
      <CategoryForm
        workspaceSlug={access.workspace.slug}
        locales={locales.locales}
        defaultLocale={locales.defaultLocale}
      />
    </>
  );
}
