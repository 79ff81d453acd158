import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { roleAtLeast } from '@/domain/admin-guard';
import { mailTextForAdmin } from '@/domain/admin-settings';
import { isMailKind, MAIL_LABELS, MAIL_PLACEHOLDERS } from '@/domain/admin-settings-validation';
import { isLocale, LOCALE_NAMES } from '@/domain/i18n';
import { pageAccess } from '../../../../../access';
import { Notice, textLink } from '../../../../../ui';
import { MailTextForm } from '../../../mail-text-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Mail text',
  robots: { index: false, follow: false },
};

/** One of Dial's mails in one language: the workspace's own text or Dial's, a preview, a reset. */
export default async function MailTextPage({
  params,
}: {
  params: Promise<{ workspace: string; kind: string; locale: string }>;
}) {
  const { workspace: slug, kind, locale } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'viewer');
  if (!isMailKind(kind) || !isLocale(locale)) notFound();
  const found = await mailTextForAdmin(access.workspace.id, kind, locale);
  if (!found) notFound();
  const readOnly = !roleAtLeast(access.role, 'editor');
  const label = MAIL_LABELS[kind];
  return (
    <>
      <div className="flex flex-col gap-1">
        <Link
          href={`/admin/${encodeURIComponent(access.workspace.slug)}/settings#mails`}
          className={`${textLink} self-start text-sm`}
        >
          Back to settings
        </Link>
        <h1 className="break-words font-bold text-2xl">
          {label.name} · {LOCALE_NAMES[locale]}
        </h1>
        <p className="max-w-prose text-slate-700 dark:text-slate-300">
          {label.when} {label.button}
        </p>
      </div>
      {readOnly ? (
        <Notice>
          <p>You are a viewer here: you can read this mail; an editor or owner changes it.</p>
        </Notice>
      ) : null}
      <MailTextForm
        workspaceSlug={access.workspace.slug}
        kind={kind}
        locale={locale}
        readOnly={readOnly}
        own={found.own}
        initial={found.text}
        defaults={found.defaults}
        placeholders={MAIL_PLACEHOLDERS[kind]}
        preview={found.preview}
      />
    </>
  );
}
