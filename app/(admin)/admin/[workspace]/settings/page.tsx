import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { roleAtLeast } from '@/domain/admin-guard';
import { settingsForAdmin } from '@/domain/admin-settings';
import { MAIL_KINDS, MAIL_LABELS } from '@/domain/admin-settings-validation';
import { LOCALE_NAMES } from '@/domain/i18n';
import { pageAccess } from '../../access';
import { Notice, textLink } from '../../ui';
import {
  BrandingForm,
  GeneralForm,
  LinkDomainForm,
  LocalesForm,
  PoliciesForm,
  SenderForm,
  SmsForm,
} from './section-forms';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Settings',
  robots: { index: false, follow: false },
};

const SECTIONS = [
  { id: 'general', title: 'Name and contact' },
  { id: 'branding', title: 'Branding' },
  { id: 'sender', title: 'Sender' },
  { id: 'link-domain', title: 'Link domain' },
  { id: 'languages', title: 'Languages' },
  { id: 'policies', title: 'Policies' },
  { id: 'mails', title: 'Mail texts' },
  { id: 'sms', title: 'SMS (Twilio)' },
] as const;

type SectionId = (typeof SECTIONS)[number]['id'];

function Section({
  id,
  intro,
  children,
}: {
  id: SectionId;
  intro?: ReactNode;
  children: ReactNode;
}) {
  const title = SECTIONS.find((s) => s.id === id)?.title ?? id;
  return (
    <section
      id={id}
      aria-labelledby={`${id}-heading`}
      className="flex scroll-mt-4 flex-col gap-4 rounded-xl border border-slate-200 p-4 sm:p-6 dark:border-slate-800"
    >
      <div className="flex flex-col gap-1">
        <h2 id={`${id}-heading`} className="font-semibold text-xl">
          {title}
        </h2>
        {intro ? <p className="text-slate-700 dark:text-slate-300">{intro}</p> : null}
      </div>
      {children}
    </section>
  );
}

/**
 * The workspace's settings, one section per subject, each saved on its own. Every member may
 * read them; editors and owners change them; only owners see a form for the Twilio secret.
 */
export default async function SettingsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'viewer');
  const settings = await settingsForAdmin(access.workspace.id);
  if (!settings) notFound();
  const readOnly = !roleAtLeast(access.role, 'editor');
  const isOwner = access.role === 'owner';
  const common = { workspaceSlug: access.workspace.slug, readOnly };
  const mailsBase = `/admin/${encodeURIComponent(access.workspace.slug)}/settings/mails`;
  return (
    <>
      <div className="flex max-w-prose flex-col gap-1">
        <h1 className="font-bold text-2xl">Settings</h1>
        <p className="text-slate-700 dark:text-slate-300">
          How this workspace looks and speaks to subscribers, and what Dial does for it. Each
          section saves on its own.
        </p>
      </div>
      {readOnly ? (
        <Notice>
          <p>You are a viewer here: you can see the settings; an editor or owner changes them.</p>
        </Notice>
      ) : null}
      <nav aria-label="Settings sections">
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
          {SECTIONS.map((s) => (
            <li key={s.id}>
              <a href={`#${s.id}`} className={`${textLink} inline-block py-2`}>
                {s.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <Section id="general">
        <GeneralForm {...common} initial={settings.general} />
      </Section>
      <Section id="branding" intro="How preference pages, unsubscribe pages and mails look.">
        <BrandingForm {...common} initial={settings.branding} />
      </Section>
      <Section id="sender" intro="Who Dial’s own mails (confirmations, links) come from.">
        <SenderForm {...common} initial={settings.sender} defaultSender={settings.defaultSender} />
      </Section>
      <Section id="link-domain">
        <LinkDomainForm {...common} initial={settings.linkDomain} dialHost={settings.dialHost} />
      </Section>
      <Section
        id="languages"
        intro="The languages subscribers may choose on Dial’s pages and mails."
      >
        <LocalesForm {...common} initial={settings.locales} />
      </Section>
      <Section id="policies">
        <PoliciesForm {...common} initial={settings.policies} />
      </Section>
      <Section
        id="mails"
        intro="Dial’s own mails to subscribers, in each language. Write your own subject and text, or keep Dial’s."
      >
        <ul className="flex flex-col gap-3" aria-label="Mails Dial sends">
          {MAIL_KINDS.map((kind) => (
            <li
              key={kind}
              className="flex flex-col gap-2 rounded-lg border border-slate-200 p-3 dark:border-slate-800"
            >
              <h3 className="font-semibold">{MAIL_LABELS[kind].name}</h3>
              <p className="text-slate-700 text-sm dark:text-slate-300">{MAIL_LABELS[kind].when}</p>
              <ul className="flex flex-wrap gap-x-4 gap-y-1">
                {settings.mailTexts
                  .filter((m) => m.kind === kind && settings.locales.locales.includes(m.locale))
                  .map((m) => (
                    <li key={m.locale}>
                      <Link
                        href={`${mailsBase}/${kind}/${m.locale}`}
                        className={`${textLink} inline-block py-2`}
                        aria-label={`${readOnly ? 'View' : 'Edit'} ${MAIL_LABELS[kind].name} in ${LOCALE_NAMES[m.locale]} (${m.own ? 'your text' : 'Dial’s text'})`}
                      >
                        {LOCALE_NAMES[m.locale]}
                      </Link>{' '}
                      <span className="text-slate-700 text-sm dark:text-slate-300">
                        · {m.own ? 'your text' : 'Dial’s text'}
                      </span>
                    </li>
                  ))}
              </ul>
            </li>
          ))}
        </ul>
      </Section>
      <Section
        id="sms"
        intro="The number subscribers text STOP, START or HELP to, and the secret that proves those texts come from Twilio."
      >
        {isOwner ? (
          <SmsForm
            {...common}
            initial={{
              smsNumber: settings.sms.smsNumber,
              twilioAuthToken: '',
              clearTwilioAuthToken: false,
            }}
            tokenSet={settings.sms.twilioAuthTokenSet}
          />
        ) : (
          <div className="flex flex-col gap-2">
            <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1">
              <dt className="font-medium">SMS number</dt>
              <dd className="break-all">{settings.sms.smsNumber || 'not set'}</dd>
              <dt className="font-medium">Twilio auth token</dt>
              <dd>{settings.sms.twilioAuthTokenSet ? 'set' : 'not set'}</dd>
            </dl>
            <p className="text-slate-700 text-sm dark:text-slate-300">
              Only an owner can change these.
            </p>
          </div>
        )}
      </Section>
    </>
  );
}
