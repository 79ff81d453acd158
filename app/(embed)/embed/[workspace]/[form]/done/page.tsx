import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { pageLocale } from '@/app/(subscriber)/context';
import { param, type Search } from '@/app/(subscriber)/notices';
import { loadEmbedForm } from '@/domain/embed';
import { pick } from '@/domain/i18n';
import { embedMessages } from '../../../../embed-messages';
import { EmbedFrame, FrameScript } from '../../../../frame';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign up', robots: { index: false, follow: false } };

/** After a signup: the form's success message, and the result for the host page (dial:subscribed). */
export default async function EmbedDonePage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string; form: string }>;
  searchParams: Search;
}) {
  const { workspace, form } = await params;
  const query = await searchParams;
  const locale = await pageLocale();
  const embed = await loadEmbedForm({
    workspaceSlug: decodeURIComponent(workspace),
    formSlug: decodeURIComponent(form),
    locale,
  });
  if (!embed) notFound();
  const t = embedMessages(locale);
  const status = param(query, 's') === 'subscribed' ? 'subscribed' : 'pending';
  const subscriptions = (param(query, 'sub') ?? '')
    .split(',')
    .filter(Boolean)
    .map((s) => {
      const [category, channel, state] = s.split(':');
      return { category, channel, status: state };
    });
  const events = (param(query, 'ev') ?? '').split(',').filter(Boolean);
  const message =
    status === 'pending' ? (pick(embed.form.successMessage, locale) ?? t.pending) : t.subscribed;
  return (
    <EmbedFrame embed={embed}>
      <p role="status" className="font-medium text-lg">
        {message}
      </p>
      <FrameScript allowed={embed.allowedOrigins} result={{ status, events, subscriptions }} />
    </EmbedFrame>
  );
}
