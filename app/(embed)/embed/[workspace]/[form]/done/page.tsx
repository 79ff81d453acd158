import type { Metadata } from 'next';
import { param } from '@/app/(subscriber)/notices';
import { pick } from '@/domain/i18n';
import { EmbedFrame, type EmbedPageProps, FrameScript, loadEmbedPage } from '../../../../frame';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign up', robots: { index: false, follow: false } };

/** After a signup: the form's success message, and the result for the host page (dial:subscribed). */
export default async function EmbedDonePage(props: EmbedPageProps) {
  const { embed, locale, query, t } = await loadEmbedPage(props);
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
