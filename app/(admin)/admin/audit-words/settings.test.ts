import { describe, expect, it } from 'vitest';
import { SETTINGS_AUDIT } from '@/domain/admin-settings';
import { describeAction } from '../audit-wording';

describe('audit log wording of the settings pages', () => {
  it('says every action the settings pages record as a sentence', () => {
    for (const action of Object.values(SETTINGS_AUDIT)) {
      const said = describeAction({ action, target: null, detail: {} });
      expect(said, action).not.toContain(action);
      expect(said, action).toMatch(/^[A-Z]/);
    }
  });

  it('names what changed, and of the Twilio token only what happened to it', () => {
    expect(
      describeAction({
        action: 'settings.general',
        target: null,
        detail: { name: { from: 'A', to: 'B' }, postalAddress: { from: null, to: 'x' } },
      }),
    ).toBe('Changed the workspace name and the postal address');
    expect(
      describeAction({
        action: 'settings.branding',
        target: null,
        detail: { accentColor: { from: null, to: '#1d4ed8' } },
      }),
    ).toBe('Changed the branding: the accent colour');
    expect(
      describeAction({
        action: 'settings.link_domain',
        target: null,
        detail: { linkDomain: { from: null, to: 'links.acme.example' } },
      }),
    ).toBe('Set the link domain to links.acme.example');
    expect(
      describeAction({
        action: 'settings.locales',
        target: null,
        detail: { defaultLocale: { from: 'en', to: 'fr' } },
      }),
    ).toBe('Changed the languages (default now Français)');
    expect(
      describeAction({
        action: 'settings.policies',
        target: null,
        detail: {
          'doubleOptIn.sms': { from: true, to: false },
          feedbackQuestion: { from: false, to: true },
        },
      }),
    ).toBe('Turned double opt-in for SMS off and the feedback question on');
    expect(
      describeAction({
        action: 'settings.sms',
        target: null,
        detail: { smsNumber: { from: null, to: '+14155550100' }, twilioAuthToken: 'replaced' },
      }),
    ).toBe('Set the SMS number to +14155550100 and replaced the Twilio auth token');
    expect(
      describeAction({
        action: 'settings.mail_text',
        target: 'doubleOptIn.es',
        detail: { kind: 'doubleOptIn', locale: 'es', fields: ['subject'] },
      }),
    ).toBe('Rewrote the Español “Double opt-in request” mail');
    expect(
      describeAction({
        action: 'settings.mail_text_reset',
        target: 'preferencesLink.en',
        detail: { kind: 'preferencesLink', locale: 'en' },
      }),
    ).toBe('Put the English “Link to preferences” mail back to Dial’s default text');
  });
});
