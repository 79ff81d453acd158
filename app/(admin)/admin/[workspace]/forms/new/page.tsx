import type { Metadata } from 'next';
import Link from 'next/link';
import { formEditorData } from '@/domain/admin-forms';
import { pageAccess } from '../../../access';
import { textLink } from '../../../ui';
import { FormEditor } from '../form-editor';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'New form',
  robots: { index: false, follow: false },
};

export default async function NewFormPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'editor');
  const data = await formEditorData(access.workspace.id);
  return (
    <>
      <div className="flex flex-col gap-1">
        <Link
          href={`/admin/${encodeURIComponent(access.workspace.slug)}/forms`}
          className={`${textLink} self-start text-sm`}
        >
          Back to forms
        </Link>
        <h1 className="font-bold text-2xl">New form</h1>
      </div>
      <FormEditor
        workspaceSlug={access.workspace.slug}
        categories={data.categories}
        consentTexts={data.consentTexts}
        locales={data.locales.locales}
        defaultLocale={data.defaultLocale}
        workspaceAccent={data.workspaceAccent}
        doubleOptInRequired={data.doubleOptInRequired}
        initial={{
          formId: '',
          slug: '',
          name: '',
          fields: ['email'],
          channels: ['email'],
          categorySlugs: [],
          consentTextKey: data.consentTexts.length === 1 ? (data.consentTexts[0]?.key ?? '') : '',
          doubleOptIn: data.doubleOptInDefaults,
          allowedOrigins: '',
          accentColor: '',
          mode: 'light',
          successMessage: {},
        }}
      />
    </>
  );
}
