import type { Metadata } from 'next';
import Link from 'next/link';
import { consentTextsForAdmin } from '@/domain/admin-consent-texts';
import { pageAccess } from '../../../access';
import { textLink } from '../../../ui';
import { ConsentTextForm } from '../consent-text-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'New consent text',
  robots: { index: false, follow: false },
};

export default async function NewConsentTextPage({
  params,
}: {
  params: Promise<{ workspace: string }>;
}) {
  const { workspace: slug } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'editor');
  const { locales } = await consentTextsForAdmin(access.workspace.id);
  return (
    <>
      <div className="flex flex-col gap-1">
        <Link
          href={`/admin/${encodeURIComponent(access.workspace.slug)}/consent-texts`}
          className={`${textLink} self-start text-sm`}
        >
          Back to consent texts
        </Link>
        <h1 className="font-bold text-2xl">New consent text</h1>
        <p className="max-w-prose text-slate-700 dark:text-slate-300">
          Its key and its first version in one language; other languages are added as versions on
          its page.
        </p>
      </div>
      <ConsentTextForm
        workspaceSlug={access.workspace.slug}
        locales={locales.locales}
        defaultLocale={locales.defaultLocale}
      />
    </>
  );
}
