import type { Metadata } from 'next';
import { type LinkProblem, type PreferencesView, preferencesForLink } from '@/domain/preferences';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Your preferences',
  robots: { index: false, follow: false },
};

const CHANNEL_NAMES: Record<string, string> = {
  email: 'Email',
  sms: 'Text messages',
  whatsapp: 'WhatsApp',
  push: 'Push notifications',
};
const FREQUENCY_NAMES: Record<string, string> = {
  instant: 'as they happen',
  daily: 'at most daily',
  weekly: 'at most weekly',
  monthly: 'at most monthly',
};

const PROBLEMS: Record<LinkProblem, { title: string; body: string }> = {
  expired: {
    title: 'This link has expired',
    body: 'Preference links stop working after a while, to keep your settings safe. Use the link in a newer message.',
  },
  revoked_key: {
    title: 'This link no longer works',
    body: 'It was switched off for security. Use the link in a newer message.',
  },
  malformed: {
    title: 'This link is not complete',
    body: 'Part of it may be missing. Try copying the whole link from the message again.',
  },
  bad_signature: {
    title: 'This link is not valid',
    body: 'It may have been changed on the way. Try copying the whole link from the message again.',
  },
  unknown_key: { title: 'This link is not valid', body: 'Try the link in a newer message.' },
  wrong_workspace: { title: 'This link is not valid', body: 'Try the link in a newer message.' },
  wrong_purpose: {
    title: 'This link is for something else',
    body: 'Use the "manage preferences" link in the message.',
  },
  unknown_subscriber: {
    title: 'We could not find your subscription',
    body: 'It may have been deleted at your request.',
  },
};

function statusText(status: string, frequency: string | null, transactional: boolean): string {
  if (transactional) return 'Always on';
  switch (status) {
    case 'subscribed':
      return frequency ? `On, ${FREQUENCY_NAMES[frequency] ?? frequency}` : 'On';
    case 'pending':
      return 'Waiting for you to confirm';
    default:
      return 'Off';
  }
}

export default async function PreferencesPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const result = await preferencesForLink(token, ['preferences']);
  if (!result.ok) {
    const p = PROBLEMS[result.reason];
    return (
      <main className="mx-auto flex max-w-xl flex-col gap-4 px-5 py-12">
        <h1 className="font-bold text-2xl">{p.title}</h1>
        <p className="text-slate-600 dark:text-slate-300">{p.body}</p>
      </main>
    );
  }
  return <Preferences view={result.view} />;
}

function Preferences({ view }: { view: PreferencesView }) {
  const locale = view.subscriber.locale?.split('-')[0] ?? 'en';
  const name = (texts: PreferencesView['categories'][number]['texts'], slug: string) =>
    texts[locale] ?? texts.en ?? { name: slug };
  return (
    <main className="mx-auto flex max-w-xl flex-col gap-6 px-5 py-10">
      <header className="flex flex-col gap-1">
        <p className="font-semibold text-sm" style={{ color: view.workspace.accentColor }}>
          {view.workspace.name}
        </p>
        <h1 className="font-bold text-2xl">Your message preferences</h1>
        <p className="text-slate-600 dark:text-slate-300">
          What {view.workspace.name} may send you, and how.
        </p>
      </header>
      {view.subscriber.pausedUntil && view.subscriber.pausedUntil > new Date() ? (
        <p className="rounded-lg bg-amber-50 p-3 text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          Marketing messages are paused until {view.subscriber.pausedUntil.toDateString()}.
        </p>
      ) : null}
      {view.subscriber.globalOptOuts.length > 0 ? (
        <p className="rounded-lg bg-slate-100 p-3 dark:bg-slate-900">
          You opted out of{' '}
          {view.subscriber.globalOptOuts.includes('all')
            ? 'all marketing messages'
            : view.subscriber.globalOptOuts.map((c) => CHANNEL_NAMES[c] ?? c).join(', ')}
          .
        </p>
      ) : null}
      <ul className="flex flex-col gap-4">
        {view.categories.map((c) => {
          const text = name(c.texts, c.slug);
          return (
            <li
              key={c.slug}
              className="rounded-xl border border-slate-200 p-4 dark:border-slate-800"
            >
              <h2 className="font-semibold">{text.name}</h2>
              {text.description ? (
                <p className="text-slate-600 text-sm dark:text-slate-300">{text.description}</p>
              ) : null}
              <dl className="mt-3 grid grid-cols-[1fr_auto] gap-x-4 gap-y-1 text-sm">
                {c.channels.map((ch) => (
                  <div key={ch.channel} className="contents">
                    <dt>{CHANNEL_NAMES[ch.channel] ?? ch.channel}</dt>
                    <dd className="text-right font-medium">
                      {statusText(ch.status, ch.frequency, c.kind === 'transactional')}
                    </dd>
                  </div>
                ))}
              </dl>
            </li>
          );
        })}
      </ul>
      {view.workspace.supportContact ? (
        <p className="text-slate-500 text-sm">
          Questions? Write to {view.workspace.supportContact}.
        </p>
      ) : null}
    </main>
  );
}
