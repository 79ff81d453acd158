import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CHANNEL_LABELS } from '@/domain/admin-category-validation';
import { categoryName, embedSnippet, FIELD_LABELS } from '@/domain/admin-form-validation';
import { editorValues, formEditorData, formForAdmin } from '@/domain/admin-forms';
import { roleAtLeast } from '@/domain/admin-guard';
import { LOCALE_NAMES, type Locale } from '@/domain/i18n';
import { config } from '@/platform/config';
import { pageAccess } from '../../../access';
import { Notice, textLink } from '../../../ui';
import { EmbedSnippet } from '../embed-snippet';
import { FormEditor } from '../form-editor';
import { FormPreview } from '../form-preview';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Form',
  robots: { index: false, follow: false },
};

/** One form: its snippet, and its editor with the live preview (or, for a viewer, its settings). */
export default async function FormPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string; form: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { workspace: slug, form: formSlug } = await params;
  const query = await searchParams;
  const access = await pageAccess(decodeURIComponent(slug), 'viewer');
  // Another workspace's form is not found here, like one that does not exist.
  const [form, data] = await Promise.all([
    formForAdmin(access.workspace.id, safeDecode(formSlug)),
    formEditorData(access.workspace.id),
  ]);
  if (!form) notFound();
  const canEdit = roleAtLeast(access.role, 'editor');
  const values = editorValues(form, data.doubleOptInDefaults);
  const offered = new Set(data.categories.map((c) => c.slug));
  const gone = values.categorySlugs.filter((s) => !offered.has(s));
  const initial = { ...values, categorySlugs: values.categorySlugs.filter((s) => offered.has(s)) };
  const snippet = embedSnippet(config().baseUrl, access.workspace.slug, form.slug);
  const nameOf = (categorySlug: string) => {
    const category = data.categories.find((c) => c.slug === categorySlug);
    return category ? categoryName(category, data.defaultLocale) : categorySlug;
  };
  return (
    <>
      <div className="flex flex-col gap-1">
        <Link
          href={`/admin/${encodeURIComponent(access.workspace.slug)}/forms`}
          className={`${textLink} self-start text-sm`}
        >
          Back to forms
        </Link>
        <h1 className="break-words font-bold text-2xl">{form.name}</h1>
      </div>
      {query.saved === '1' || query.saved === '0' ? (
        <Notice tone="success">
          <p role="status">
            {query.saved === '1'
              ? `Saved “${form.slug}”. Sites showing it get the change on their next page view.`
              : 'Nothing had changed, so nothing was saved.'}
          </p>
        </Notice>
      ) : null}

      <section aria-labelledby="snippet-heading" className="flex max-w-3xl flex-col gap-2">
        <h2 id="snippet-heading" className="font-semibold text-lg">
          Embed snippet
        </h2>
        <p className="text-slate-700 text-sm dark:text-slate-300">
          Paste it into a page of one of the allowed sites, where the form should appear. Add
          data-email, data-phone or data-locale to fill in what you already know.
        </p>
        <EmbedSnippet snippet={snippet} />
      </section>

      {canEdit ? (
        <section aria-labelledby="settings-heading" className="flex flex-col gap-4">
          <h2 id="settings-heading" className="font-semibold text-lg">
            Settings
          </h2>
          {gone.length > 0 ? (
            <Notice tone="warning">
              <p>
                No longer offered (archived or no longer marketing): {gone.join(', ')}. Saving
                removes {gone.length === 1 ? 'it' : 'them'} from the form.
              </p>
            </Notice>
          ) : null}
          <FormEditor
            workspaceSlug={access.workspace.slug}
            categories={data.categories}
            consentTexts={data.consentTexts}
            locales={data.locales.locales}
            defaultLocale={data.defaultLocale}
            workspaceAccent={data.workspaceAccent}
            doubleOptInRequired={data.doubleOptInRequired}
            initial={initial}
          />
        </section>
      ) : (
        <>
          <Notice>
            <p>You are a viewer here: you can see this form; an editor or owner changes it.</p>
          </Notice>
          <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_minmax(0,24rem)]">
            <section aria-labelledby="settings-heading" className="flex min-w-0 flex-col gap-3">
              <h2 id="settings-heading" className="font-semibold text-lg">
                Settings
              </h2>
              <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
                <dt className="font-medium">Slug</dt>
                <dd className="break-all">{form.slug}</dd>
                <dt className="font-medium">Asks for</dt>
                <dd>{form.fields.map((f) => FIELD_LABELS[f]).join(', ')}</dd>
                <dt className="font-medium">Channels</dt>
                <dd>
                  {form.channels
                    .map(
                      (c) => `${CHANNEL_LABELS[c]}${form.doubleOptIn[c] ? ' (double opt-in)' : ''}`,
                    )
                    .join(', ')}
                </dd>
                <dt className="font-medium">Categories offered</dt>
                <dd className="break-words">{form.categorySlugs.map(nameOf).join(', ')}</dd>
                <dt className="font-medium">Consent text</dt>
                <dd className="break-all">
                  {form.consentTextKey}
                  {(() => {
                    const text = data.consentTexts.find((t) => t.key === form.consentTextKey);
                    return text
                      ? ` (current: ${text.versions
                          .map(
                            (v) =>
                              `${LOCALE_NAMES[v.locale as Locale] ?? v.locale} version ${v.version}`,
                          )
                          .join(', ')})`
                      : '';
                  })()}
                </dd>
                <dt className="font-medium">Sites allowed</dt>
                <dd className="break-all">
                  {form.allowedOrigins.length > 0 ? form.allowedOrigins.join(', ') : 'None yet'}
                </dd>
              </dl>
            </section>
            <div className="min-w-0">
              <FormPreview
                live={false}
                values={initial}
                categories={data.categories}
                consentTexts={data.consentTexts}
                locales={data.locales.locales}
                defaultLocale={data.defaultLocale}
                workspaceAccent={data.workspaceAccent}
              />
            </div>
          </div>
        </>
      )}
    </>
  );
}

/** A malformed escape in the address is a form that does not exist, not a crash. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}
