import { MAIL_LABELS } from '@/domain/admin-settings-validation';
import { isLocale, LOCALE_NAMES } from '@/domain/i18n';
import type { AuditWords, WordedEntry } from './types';
import { detailText } from './types';

/** The audit log's sentences for the settings pages' actions (domain/admin-settings.ts). */

const FIELD_NAMES: Record<string, string> = {
  name: 'the workspace name',
  postalAddress: 'the postal address',
  supportContact: 'the support contact',
  logoUrl: 'the logo',
  accentColor: 'the accent colour',
  senderName: 'the sender name',
  fromAddress: 'the From address',
  replyTo: 'the Reply-To address',
  locales: 'the languages offered',
  defaultLocale: 'the default language',
};

const CHANNEL_NAMES: Record<string, string> = {
  email: 'email',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  push: 'push',
};

/** The names of the changed fields, as a list a person reads. */
function changedFields(entry: WordedEntry): string {
  const names = Object.keys(entry.detail).map((key) => FIELD_NAMES[key] ?? key);
  if (names.length === 0) return 'the settings';
  return new Intl.ListFormat('en', { style: 'long', type: 'conjunction' }).format(names);
}

function change(entry: WordedEntry, key: string): { from: unknown; to: unknown } | undefined {
  const value = entry.detail[key];
  return value && typeof value === 'object' && 'to' in value
    ? (value as { from: unknown; to: unknown })
    : undefined;
}

function localeName(value: string | undefined): string {
  return isLocale(value) ? LOCALE_NAMES[value] : (value ?? '?');
}

function mailName(entry: WordedEntry): string {
  const kind = detailText(entry, 'kind');
  const label = kind && kind in MAIL_LABELS ? MAIL_LABELS[kind as keyof typeof MAIL_LABELS] : null;
  return `the ${localeName(detailText(entry, 'locale'))} “${label?.name ?? kind ?? '?'}” mail`;
}

function policySentence(entry: WordedEntry): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(entry.detail)) {
    const to = (value as { to?: unknown })?.to === true ? 'on' : 'off';
    if (key.startsWith('doubleOptIn.')) {
      const channel = key.slice('doubleOptIn.'.length);
      parts.push(`double opt-in for ${CHANNEL_NAMES[channel] ?? channel} ${to}`);
    } else if (key === 'confirmationMessages') parts.push(`confirmation messages ${to}`);
    else if (key === 'feedbackQuestion') parts.push(`the feedback question ${to}`);
  }
  const list = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' }).format(parts);
  return parts.length ? `Turned ${list}` : 'Saved the policies';
}

function smsSentence(entry: WordedEntry): string {
  const parts: string[] = [];
  const number = change(entry, 'smsNumber');
  if (number)
    parts.push(
      typeof number.to === 'string'
        ? `set the SMS number to ${number.to}`
        : 'removed the SMS number',
    );
  // The token's value is never in the log: only what happened to it.
  const token = detailText(entry, 'twilioAuthToken');
  if (token === 'set') parts.push('set the Twilio auth token');
  if (token === 'replaced') parts.push('replaced the Twilio auth token');
  if (token === 'cleared') parts.push('removed the Twilio auth token');
  const sentence = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' }).format(parts);
  return sentence ? sentence.charAt(0).toUpperCase() + sentence.slice(1) : 'Saved the SMS settings';
}

export const settingsWords: AuditWords = {
  'settings.general': (e) => `Changed ${changedFields(e)}`,
  'settings.branding': (e) => `Changed the branding: ${changedFields(e)}`,
  'settings.sender': (e) => `Changed the sender: ${changedFields(e)}`,
  'settings.link_domain': (e) => {
    const to = change(e, 'linkDomain')?.to;
    return typeof to === 'string'
      ? `Set the link domain to ${to}`
      : 'Removed the link domain (links use Dial’s own address again)';
  },
  'settings.locales': (e) => {
    const to = change(e, 'defaultLocale')?.to;
    return typeof to === 'string'
      ? `Changed the languages (default now ${localeName(to)})`
      : 'Changed the languages offered';
  },
  'settings.policies': policySentence,
  'settings.sms': smsSentence,
  'settings.mail_text': (e) => `Rewrote ${mailName(e)}`,
  'settings.mail_text_reset': (e) => `Put ${mailName(e)} back to Dial’s default text`,
};
