import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { consentTextForAdmin } from '@/domain/admin-consent-texts';
import { isLocale, type Locale } from '@/domain/i18n';
import { pageAccess } from '../../../../access';
import { textLink } from '../../../../ui';
import { ConsentTextForm } from '../../consent-text-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'New consent text version',
  robots: { index: false, follow: false },
};

export default async function NewConsentTextVersionPage({
  params,
}: {
  params: Promise<{ workspace: string; key: string }>;
}) {
  const { workspace: slug, key: rawKey } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'editor');
  const text = await consentTextForAdmin(access.workspace.id, decodeURIComponent(rawKey));
  if (!text) notFound();
  const latest: Partial<Record<Locale, { version: number; body: string }>> = {};
  for (const { locale, versions } of text.byLocale) {
    const newest = versions[0];
    if (isLocale(locale) && newest) latest[locale] = { version: newest.version, body: newest.body };
  }
  return (
    <>
      <div className="flex flex-col gap-1">
        <Link
          href={`/admin/${encodeURIComponent(access.workspace.slug)}/consent-texts/${encodeURIComponent(text.key)}`}
          className={`${textLink} self-start text-sm`}
        >
          Back to {text.key}
        </Link>
        <h1 className="break-all font-bold text-2xl">New version of {text.key}</h1>
      </div>
      <ConsentTextForm
        workspaceSlug={access.workspace.slug}
        locales={text.locales.locales}
        defaultLocale={text.locales.defaultLocale}
        textKey={text.key}
        latest={latest}
      />
    </>
  );
}
