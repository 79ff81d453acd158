import { describe, expect, it } from 'vitest';
import type { WorkspaceSettings } from '@/db/schema';
import { MAIL_KINDS, unknownPlaceholders } from './admin-settings-validation';
import { LOCALES } from './i18n';
import {
  defaultMailText,
  describeOptOuts,
  escapeHtml,
  type MailWorkspace,
  optOutConfirmation,
  preferencesLink,
} from './mail-templates';

const URL_ = 'https://links.example.com/p/1.kid.payload.tag';
const FEEDBACK = 'https://links.example.com/u/1.kid.payload.tag/feedback';

function workspace(settings: WorkspaceSettings = {}, name = 'Acme'): MailWorkspace {
  return { name, settings };
}

const mails = {
  optOut: (locale: (typeof LOCALES)[number], w = workspace()) =>
    optOutConfirmation({
      workspace: w,
      locale,
      what: describeOptOuts(locale, [
        { type: 'subscription', categoryName: 'Promotions', channel: 'email' },
      ]),
      preferencesUrl: URL_,
      feedbackUrl: FEEDBACK,
    }),
  link: (locale: (typeof LOCALES)[number], w = workspace()) =>
    preferencesLink({ workspace: w, locale, preferencesUrl: URL_ }),
};

describe("Dial's own mails", () => {
  for (const [name, render] of Object.entries(mails)) {
    it(`${name}: every locale has its own subject, and both parts carry the preferences link`, () => {
      const rendered = LOCALES.map((locale) => render(locale));
      expect(new Set(rendered.map((m) => m.subject)).size).toBe(LOCALES.length);
      for (const [i, mail] of rendered.entries()) {
        expect(mail.text).toContain(URL_);
        expect(mail.html).toContain(`href="${URL_}"`);
        expect(mail.html).toContain(`<html lang="${LOCALES[i]}">`);
        expect(new Set(mail.text.split('\n\n')).size).toBeGreaterThan(3);
      }
    });
  }

  it('escapes the workspace’s own words in the HTML part', () => {
    const hostile = workspace(
      {
        senderName: '<script>alert(1)</script>',
        postalAddress: '1 Main St <b>\nSpringfield & Co',
        supportContact: '"><img src=x onerror=alert(1)>',
        brand: { accentColor: 'red;background:url(https://evil.test/x)' },
      },
      '<script>alert("name")</script>',
    );
    for (const render of Object.values(mails)) {
      const { html, text } = render('en', hostile);
      expect(html).not.toMatch(/<script|<img|<b>/i);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('1 Main St &lt;b&gt;<br>Springfield &amp; Co');
      expect(html).not.toContain('evil.test');
      // The text part is plain text: no escaping, the words as written.
      expect(text).toContain('<script>alert("name")</script>');
    }
  });

  it('says the opt-out is done, that receipts still arrive, how to opt back in, and signs off', () => {
    const { subject, text } = optOutConfirmation({
      workspace: workspace({
        senderName: 'Acme Shop',
        postalAddress: '1 Main St, Springfield',
        supportContact: 'help@acme.test',
      }),
      locale: 'en',
      what: describeOptOuts('en', [{ type: 'global', channel: null }]),
      preferencesUrl: URL_,
    });
    expect(subject).toBe('You’re unsubscribed');
    expect(text).toContain('You’re unsubscribed from all marketing messages.');
    expect(text).toMatch(/still get .* receipts/);
    expect(text).toContain('sign up again');
    expect(text).toMatch(/works for 90 days/);
    expect(text).not.toContain('Tell us why'); // no feedback link unless one is given
    expect(text).toContain('Sent by Acme.');
    expect(text).toContain('1 Main St, Springfield');
    expect(text).toContain('help@acme.test');
  });

  it('the preferences link mail says it expires and can be ignored', () => {
    const { text } = preferencesLink({
      workspace: workspace(),
      locale: 'de',
      preferencesUrl: URL_,
    });
    expect(text).toContain('was Acme Ihnen schickt');
    expect(text).toContain('90 Tage gültig');
    expect(text).toContain('nicht angefordert');
  });

  it('names what was opted out of in each language, as one list', () => {
    const items = [
      { type: 'subscription', categoryName: 'Promotions', channel: 'email' },
      { type: 'global', channel: 'sms' },
    ] as const;
    expect(describeOptOuts('en', [...items])).toBe(
      'Promotions by email and all marketing messages by text message',
    );
    expect(describeOptOuts('es', [...items])).toBe(
      'Promotions por correo electrónico y todos los mensajes comerciales por SMS',
    );
    expect(describeOptOuts('fr', [{ type: 'global', channel: null }])).toBe(
      'tous les messages commerciaux',
    );
    expect(describeOptOuts('de', [...items])).toBe(
      'Promotions per E-Mail und alle Werbenachrichten per SMS',
    );
  });

  it('puts only web links into a mail', () => {
    expect(() =>
      preferencesLink({
        workspace: workspace(),
        locale: 'en',
        preferencesUrl: 'javascript:alert(1)',
      }),
    ).toThrow();
  });

  it('escapeHtml covers the five characters that matter', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it("uses the workspace's own text for its locale, keeps Dial's buttons and links, and escapes it", () => {
    const own = workspace({
      senderName: 'Acme News',
      mailTexts: {
        optOutConfirmation: {
          en: {
            subject: 'Bye from {{brand}}',
            body: 'Done: {{what}}.\n\n<b>{{days}}</b> {{unknown}}',
          },
        },
      },
    });
    const en = mails.optOut('en', own);
    expect(en.subject).toBe('Bye from Acme News');
    expect(en.text).toMatch(/^Done: Promotions by email\.\n\n<b>\d+ days<\/b> \{\{unknown\}\}/);
    expect(en.text).toContain(URL_);
    expect(en.text).toContain(FEEDBACK);
    expect(en.html).toContain('&lt;b&gt;');
    expect(en.html).not.toContain('<b>');
    // Another locale, and another mail, keep Dial's text.
    expect(mails.optOut('fr', own).subject).toBe(
      defaultMailText('optOutConfirmation', 'fr').subject,
    );
    expect(mails.link('en', own).subject).toBe(defaultMailText('preferencesLink', 'en').subject);
  });

  it("Dial's default texts use only their mail's placeholders", () => {
    for (const locale of LOCALES) {
      for (const kind of MAIL_KINDS) {
        const text = defaultMailText(kind, locale);
        expect(
          unknownPlaceholders(kind, `${text.subject}\n${text.body}`),
          `${kind} ${locale}`,
        ).toEqual([]);
        expect(text.body, `${kind} ${locale}`).toContain('{{');
      }
    }
  });
});
