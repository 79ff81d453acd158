import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { closeDb, db } from '@/db/client';
import { findWorkspaceById } from '@/db/queries/workspaces';
import { type AdminRole, mailbox } from '@/db/schema';
import { config } from '@/platform/config';
import { type AdminActionContext, runAdminAction } from './admin-actions';
import {
  mailTextForAdmin,
  previewMailTextCommand,
  resetMailTextCommand,
  SETTINGS_AUDIT,
  saveBrandingSettingsCommand,
  saveGeneralSettingsCommand,
  saveLinkDomainSettingsCommand,
  saveLocaleSettingsCommand,
  saveMailTextCommand,
  savePolicySettingsCommand,
  saveSenderSettingsCommand,
  saveSmsSettingsCommand,
  settingsForAdmin,
} from './admin-settings';
import {
  accentColorIssue,
  brandingSettingsSchema,
  contrastWithWhite,
  generalSettingsSchema,
  linkDomainSettingsSchema,
  localeSettingsSchema,
  mailTextSchema,
  senderSettingsSchema,
  smsSettingsSchema,
} from './admin-settings-validation';
import { createAdmin } from './admins';
import { auditLogPage } from './audit';
import { applyConsentFor } from './consent';
import { buildLinks } from './links';
import { sendOptOutConfirmation, sendPreferencesLink } from './mail-jobs';
import { defaultMailText } from './mail-templates';
import type { Job } from './outbox';
import { verifyLink } from './signing-keys';
import { makeSubscriber, makeWorkspace } from './test-fixtures';

beforeAll(async () => {
  // Links issued in one test verify in another only with one secret for the whole file.
  process.env.DIAL_SECRET ??= config().secret;
  // Opening the database (and migrating it) here, not in whichever test comes first.
  await db();
}, 300_000);
afterAll(() => closeDb());

// Each test makes a workspace and three admins and saves several times: generous on a busy machine.
const SLOW = 120_000;

type Command<S extends z.ZodType, T> = {
  spec: { schema: S; role: AdminRole };
  run: (input: z.output<S>, context: AdminActionContext) => Promise<T>;
};

async function memberOf(workspaceSlug: string, role: AdminRole) {
  const { adminId } = await createAdmin({
    email: `set-${randomUUID().slice(0, 8)}@example.com`,
    workspaceSlug,
    role,
  });
  return { adminId };
}

/** A workspace with an owner, an editor and a viewer; `as(session)` runs a command as them. */
async function setup() {
  const made = await makeWorkspace('set');
  const as =
    (session: { adminId: string }, slug = made.workspace.slug) =>
    <S extends z.ZodType, T>(command: Command<S, T>, input: unknown) =>
      runAdminAction(
        { session, workspaceSlug: slug, input, ip: '198.51.100.7' },
        command.spec,
        command.run,
      );
  const owner = await memberOf(made.workspace.slug, 'owner');
  const editor = await memberOf(made.workspace.slug, 'editor');
  const viewer = await memberOf(made.workspace.slug, 'viewer');
  return { ...made, as, owner: as(owner), editor: as(editor), viewer: as(viewer) };
}

async function stored(workspaceId: string) {
  const row = await findWorkspaceById(await db(), workspaceId);
  if (!row) throw new Error('workspace vanished');
  return row;
}

/** The settings entries of the log (admin.create entries of the setup left out), newest first. */
async function auditEntries(workspaceId: string) {
  return (await auditLogPage({ workspaceId, limit: 100 })).entries
    .filter((e) => e.action.startsWith('settings.'))
    .map((e) => ({
      action: e.action,
      target: e.target,
      detail: e.detail,
      ip: e.ip,
    }));
}

const general = { name: 'Acme Shop', postalAddress: '1 Main St\nSpringfield', supportContact: '' };
const policiesOn = {
  doubleOptIn: { email: true, sms: true, whatsapp: true, push: false },
  confirmationMessages: true,
  feedbackQuestion: true,
};

function job(kind: string, workspaceId: string, payload: Record<string, unknown>): Job {
  return { id: randomUUID(), kind, workspaceId, payload, attempts: 0 };
}

async function mailsOf(workspaceId: string) {
  const dbh = await db();
  return dbh.select().from(mailbox).where(eq(mailbox.workspaceId, workspaceId));
}

async function optedOut(workspaceId: string, subscriberId: string) {
  const change = { type: 'subscription', category: 'promotions', channel: 'email' } as const;
  await applyConsentFor({
    workspaceId,
    subscriberId,
    source: 'api',
    changes: [{ ...change, status: 'subscribed' }],
  });
  const result = await applyConsentFor({
    workspaceId,
    subscriberId,
    source: 'unsubscribe_page',
    changes: [{ ...change, status: 'unsubscribed' }],
  });
  if (!result.ok || !result.changeId) throw new Error('the opt-out changed nothing');
  return result.changeId;
}

describe('settings validation (the schemas the forms share)', () => {
  it('accepts an accent colour only as #rrggbb with enough contrast against white, and says why', () => {
    expect(contrastWithWhite('#ffffff')).toBeCloseTo(1, 5);
    expect(contrastWithWhite('#000000')).toBeCloseTo(21, 5);
    expect(accentColorIssue('')).toBeUndefined();
    expect(accentColorIssue('#4f46e5')).toBeUndefined();
    expect(accentColorIssue('#1d4ed8')).toBeUndefined();
    expect(accentColorIssue('red')).toBe('Give the colour as # and six hex digits, like #4f46e5.');
    expect(accentColorIssue('#fff')).toMatch(/six hex digits/);
    expect(accentColorIssue('#ffcc00')).toMatch(
      /^White text on #ffcc00 is hard to read \(contrast 1\.\d:1; buttons need at least 4\.5:1\)/,
    );
    expect(brandingSettingsSchema.safeParse({ logoUrl: '', accentColor: '#4F46E5' }).data).toEqual({
      logoUrl: '',
      accentColor: '#4f46e5',
    });
  });

  it('takes a logo only as an https address', () => {
    const logo = (logoUrl: string) =>
      brandingSettingsSchema.safeParse({ logoUrl, accentColor: '' }).success;
    expect(logo('https://cdn.example.com/logo.png')).toBe(true);
    expect(logo('')).toBe(true);
    expect(logo('http://cdn.example.com/logo.png')).toBe(false);
    expect(logo('javascript:alert(1)')).toBe(false);
    expect(logo('https://cdn.example.com/a logo.png')).toBe(false);
    expect(logo('https://user:pw@cdn.example.com/logo.png')).toBe(false);
  });

  it('checks sender addresses, support contact and the name', () => {
    const sender = (v: Partial<Record<string, string>>) =>
      senderSettingsSchema.safeParse({ senderName: '', fromAddress: '', replyTo: '', ...v });
    expect(sender({ fromAddress: 'news@acme.example' }).success).toBe(true);
    expect(sender({ fromAddress: 'news@acme' }).success).toBe(false);
    expect(sender({ replyTo: 'Acme <help@acme.example>' }).success).toBe(false);
    expect(sender({ senderName: 'Acme\r\nBcc: x@evil.test' }).error?.issues[0]?.message).toBe(
      'Keep the sender name on one line.',
    );
    const contact = (supportContact: string) =>
      generalSettingsSchema.safeParse({ ...general, supportContact }).success;
    expect(contact('help@acme.example')).toBe(true);
    expect(contact('https://acme.example/help')).toBe(true);
    expect(contact('+1 415 555 0100')).toBe(true);
    expect(contact('call us maybe')).toBe(false);
    expect(generalSettingsSchema.safeParse({ ...general, name: '  ' }).success).toBe(false);
  });

  it('takes a link domain as a bare hostname', () => {
    const domain = (linkDomain: string) => linkDomainSettingsSchema.safeParse({ linkDomain });
    expect(domain('Links.Acme.Example.').data).toEqual({ linkDomain: 'links.acme.example' });
    expect(domain('').success).toBe(true);
    expect(domain('https://links.acme.example').error?.issues[0]?.message).toMatch(/no https:\/\//);
    expect(domain('links.acme.example/x').success).toBe(false);
    expect(domain('localhost').success).toBe(false);
    expect(domain('192.168.0.1').success).toBe(false);
    expect(domain('-bad-.example').success).toBe(false);
  });

  it('needs the default language among those offered, and an SMS number in E.164', () => {
    expect(localeSettingsSchema.safeParse({ locales: ['en'], defaultLocale: 'fr' }).success).toBe(
      false,
    );
    expect(localeSettingsSchema.safeParse({ locales: [], defaultLocale: 'en' }).success).toBe(
      false,
    );
    expect(localeSettingsSchema.safeParse({ locales: ['xx'], defaultLocale: 'xx' }).success).toBe(
      false,
    );
    const sms = (smsNumber: string) =>
      smsSettingsSchema.safeParse({ smsNumber, twilioAuthToken: '', clearTwilioAuthToken: false });
    expect(sms('+1 (415) 555-0100').data?.smsNumber).toBe('+14155550100');
    expect(sms('0415 555 0100').success).toBe(false);
  });

  it('allows each mail only its own placeholders, naming the ones it may use', () => {
    const parsed = mailTextSchema.safeParse({
      kind: 'preferencesLink',
      locale: 'en',
      subject: 'Hi from {{brand}}',
      body: 'You left {{what}} for {{ days }}. {{firstName}}',
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['body'],
      message: 'This mail has no {{what}}, {{firstName}}. It may use {{brand}}, {{days}}.',
    });
    expect(
      mailTextSchema.safeParse({
        kind: 'doubleOptIn',
        locale: 'fr',
        subject: '{{brand}}',
        body: 'Confirmez {{what}} ({{days}})',
      }).success,
    ).toBe(true);
  });
});

describe('saving workspace settings', () => {
  it(
    'an editor saves each section: stored, merged with the rest, audited with what changed',
    async () => {
      const { workspaceId, editor } = await setup();
      const before = await stored(workspaceId);

      expect(await editor(saveGeneralSettingsCommand, general)).toEqual({
        ok: true,
        data: { changed: true },
      });
      expect(
        await editor(saveBrandingSettingsCommand, {
          logoUrl: 'https://cdn.acme.example/logo.png',
          accentColor: '#1D4ED8',
        }),
      ).toMatchObject({ ok: true });
      expect(
        await editor(saveSenderSettingsCommand, {
          senderName: 'Acme News',
          fromAddress: 'news@acme.example',
          replyTo: 'help@acme.example',
        }),
      ).toMatchObject({ ok: true });
      expect(
        await editor(saveLinkDomainSettingsCommand, { linkDomain: 'links.acme.example' }),
      ).toMatchObject({ ok: true });
      expect(
        await editor(saveLocaleSettingsCommand, { locales: ['fr', 'en'], defaultLocale: 'fr' }),
      ).toMatchObject({ ok: true });

      const after = await stored(workspaceId);
      expect(after.name).toBe('Acme Shop');
      expect(after.settings).toEqual({
        ...before.settings,
        postalAddress: '1 Main St\nSpringfield',
        brand: { logoUrl: 'https://cdn.acme.example/logo.png', accentColor: '#1d4ed8' },
        senderName: 'Acme News',
        fromAddress: 'news@acme.example',
        replyTo: 'help@acme.example',
        linkDomain: 'links.acme.example',
        locales: ['en', 'fr'],
        defaultLocale: 'fr',
      });

      const log = await auditEntries(workspaceId);
      expect(log.map((e) => e.action)).toEqual([
        SETTINGS_AUDIT.locales,
        SETTINGS_AUDIT.linkDomain,
        SETTINGS_AUDIT.sender,
        SETTINGS_AUDIT.branding,
        SETTINGS_AUDIT.general,
      ]);
      expect(log.at(-1)).toEqual({
        action: 'settings.general',
        target: null,
        detail: {
          name: { from: before.name, to: 'Acme Shop' },
          postalAddress: { from: null, to: '1 Main St\nSpringfield' },
        },
        ip: '198.51.100.7',
      });
      expect(log[0]?.detail).toEqual({
        locales: { from: ['en', 'es', 'fr', 'de'], to: ['en', 'fr'] },
        defaultLocale: { from: 'en', to: 'fr' },
      });

      // Clearing a field removes it; saving the same again changes and logs nothing.
      expect(await editor(saveLinkDomainSettingsCommand, { linkDomain: '' })).toMatchObject({
        ok: true,
        data: { changed: true },
      });
      expect((await stored(workspaceId)).settings.linkDomain).toBeUndefined();
      expect(await editor(saveLinkDomainSettingsCommand, { linkDomain: '' })).toEqual({
        ok: true,
        data: { changed: false },
      });
      expect(await editor(saveGeneralSettingsCommand, general)).toEqual({
        ok: true,
        data: { changed: false },
      });
      expect(await auditEntries(workspaceId)).toHaveLength(6);
    },
    SLOW,
  );

  it(
    'refuses invalid input with a message per field and writes nothing',
    async () => {
      const { workspaceId, editor } = await setup();
      const before = await stored(workspaceId);
      expect(
        await editor(saveBrandingSettingsCommand, {
          logoUrl: 'http://x.example/l.png',
          accentColor: '#ffee00',
        }),
      ).toMatchObject({
        ok: false,
        code: 'validation',
        fieldErrors: {
          logoUrl: expect.stringMatching(/https:\/\//),
          accentColor: expect.stringMatching(/hard to read/),
        },
      });
      const own = new URL(config().baseUrl).hostname;
      // Dial's own host is refused by the server (the form cannot know it).
      const dialHost = await editor(saveLinkDomainSettingsCommand, { linkDomain: `${own}.` });
      if (own.includes('.'))
        expect(dialHost).toMatchObject({
          ok: false,
          fieldErrors: { linkDomain: expect.any(String) },
        });
      expect(await stored(workspaceId)).toEqual(before);
      expect(await auditEntries(workspaceId)).toHaveLength(0);
    },
    SLOW,
  );

  it(
    'keeps the Twilio auth token write-only: owners set it, the page and the log only learn that it is set',
    async () => {
      const { workspaceId, owner, editor } = await setup();
      const token = `tw-${randomUUID()}`;
      const result = await owner(saveSmsSettingsCommand, {
        smsNumber: '+1 415 555 0100',
        twilioAuthToken: token,
        clearTwilioAuthToken: false,
      });
      expect(result).toEqual({ ok: true, data: { changed: true } });
      expect(JSON.stringify(result)).not.toContain(token);
      const row = await stored(workspaceId);
      expect(row.twilioAuthToken).toBe(token);
      expect(row.smsNumber).toBe('+14155550100');

      const page = await settingsForAdmin(workspaceId);
      expect(page?.sms).toEqual({ smsNumber: '+14155550100', twilioAuthTokenSet: true });
      expect(JSON.stringify(page)).not.toContain(token);

      // An empty token field keeps the token; a new one replaces it; clearing removes it.
      expect(
        await owner(saveSmsSettingsCommand, {
          smsNumber: '+14155550100',
          twilioAuthToken: '',
          clearTwilioAuthToken: false,
        }),
      ).toEqual({ ok: true, data: { changed: false } });
      const second = `tw-${randomUUID()}`;
      await owner(saveSmsSettingsCommand, {
        smsNumber: '+14155550100',
        twilioAuthToken: second,
        clearTwilioAuthToken: false,
      });
      expect((await stored(workspaceId)).twilioAuthToken).toBe(second);
      await owner(saveSmsSettingsCommand, {
        smsNumber: '',
        twilioAuthToken: '',
        clearTwilioAuthToken: true,
      });
      expect(await stored(workspaceId)).toMatchObject({ twilioAuthToken: null, smsNumber: null });
      expect((await settingsForAdmin(workspaceId))?.sms.twilioAuthTokenSet).toBe(false);

      const log = await auditEntries(workspaceId);
      expect(log.map((e) => e.detail)).toEqual([
        { smsNumber: { from: '+14155550100', to: null }, twilioAuthToken: 'cleared' },
        { twilioAuthToken: 'replaced' },
        { smsNumber: { from: null, to: '+14155550100' }, twilioAuthToken: 'set' },
      ]);
      expect(JSON.stringify(log)).not.toContain(token);
      expect(JSON.stringify(log)).not.toContain(second);

      // An editor may not touch it at all.
      expect(
        await editor(saveSmsSettingsCommand, {
          smsNumber: '+14155550199',
          twilioAuthToken: 'editor-token-123',
          clearTwilioAuthToken: false,
        }),
      ).toMatchObject({ ok: false, code: 'forbidden' });
      expect((await stored(workspaceId)).twilioAuthToken).toBeNull();
    },
    SLOW,
  );
});

/** Any of the commands, for running them all through one loop. */
type AnyCommand = {
  spec: { schema: z.ZodType; role: AdminRole };
  run: (input: never, context: AdminActionContext) => Promise<unknown>;
};

function attempt(session: { adminId: string }, slug: string, command: AnyCommand, input: unknown) {
  return runAdminAction(
    { session, workspaceSlug: slug, input },
    command.spec,
    command.run as (input: unknown, context: AdminActionContext) => Promise<unknown>,
  );
}

describe('who may change settings', () => {
  const commands: [string, AnyCommand, unknown][] = [
    ['general', saveGeneralSettingsCommand, general],
    ['branding', saveBrandingSettingsCommand, { logoUrl: '', accentColor: '#1d4ed8' }],
    ['sender', saveSenderSettingsCommand, { senderName: 'X', fromAddress: '', replyTo: '' }],
    ['link domain', saveLinkDomainSettingsCommand, { linkDomain: 'links.x.example' }],
    ['locales', saveLocaleSettingsCommand, { locales: ['en'], defaultLocale: 'en' }],
    ['policies', savePolicySettingsCommand, policiesOn],
    [
      'sms',
      saveSmsSettingsCommand,
      { smsNumber: '+14155550100', twilioAuthToken: 'secret-123', clearTwilioAuthToken: false },
    ],
    [
      'mail text',
      saveMailTextCommand,
      { kind: 'preferencesLink', locale: 'en', subject: 'S', body: 'B' },
    ],
    ['mail text reset', resetMailTextCommand, { kind: 'preferencesLink', locale: 'en' }],
  ];

  it(
    'a viewer is refused every change, before validation, and nothing is written',
    async () => {
      const { workspace, workspaceId } = await setup();
      const viewer = await memberOf(workspace.slug, 'viewer');
      const before = await stored(workspaceId);
      for (const [name, command, input] of commands) {
        const result = await attempt(viewer, workspace.slug, command, input);
        expect(result, name).toMatchObject({ ok: false, code: 'forbidden' });
        expect(
          await attempt(viewer, workspace.slug, command, { nonsense: true }),
          name,
        ).toMatchObject({
          code: 'forbidden',
        });
      }
      expect(await stored(workspaceId)).toEqual(before);
      expect(await auditEntries(workspaceId)).toHaveLength(0);
    },
    SLOW,
  );

  it(
    'an admin of workspace A gets not_found for workspace B, whatever the role',
    async () => {
      const a = await setup();
      const b = await makeWorkspace('set-b');
      const ownerOfA = await memberOf(a.workspace.slug, 'owner');
      const before = await stored(b.workspaceId);
      const all: [string, AnyCommand, unknown][] = [
        ...commands,
        [
          'preview',
          previewMailTextCommand,
          { kind: 'doubleOptIn', locale: 'en', subject: 'S', body: 'B' },
        ],
      ];
      for (const [name, command, input] of all) {
        expect(await attempt(ownerOfA, b.workspace.slug, command, input), name).toMatchObject({
          ok: false,
          code: 'not_found',
        });
      }
      expect(await stored(b.workspaceId)).toEqual(before);
    },
    SLOW,
  );

  it(
    'no session: unauthenticated',
    async () => {
      const { workspace } = await setup();
      expect(
        await runAdminAction(
          { session: null, workspaceSlug: workspace.slug, input: general },
          saveGeneralSettingsCommand.spec,
          saveGeneralSettingsCommand.run,
        ),
      ).toMatchObject({ ok: false, code: 'unauthenticated' });
    },
    SLOW,
  );
});

describe("the workspace's own mail texts", () => {
  it(
    'a sent mail uses the override for its locale, other locales keep the default, and back to default restores it',
    async () => {
      const { workspaceId, editor } = await setup();
      const saved = await editor(saveMailTextCommand, {
        kind: 'preferencesLink',
        locale: 'en',
        subject: 'Your {{brand}} settings',
        body: 'Hello from {{brand}}!\r\n\r\nThis link lasts {{days}}. <b>not markup</b>',
      });
      expect(saved).toEqual({ ok: true, data: { changed: true } });
      expect((await auditEntries(workspaceId))[0]).toMatchObject({
        action: 'settings.mail_text',
        target: 'preferencesLink.en',
        detail: { kind: 'preferencesLink', locale: 'en', fields: ['subject', 'body'] },
      });

      const subscriber = await makeSubscriber(workspaceId);
      const name = (await stored(workspaceId)).settings.senderName;
      await sendPreferencesLink(
        job('mail.preferences_link', workspaceId, { subscriberId: subscriber.id, locale: 'en' }),
      );
      await sendPreferencesLink(
        job('mail.preferences_link', workspaceId, { subscriberId: subscriber.id, locale: 'es' }),
      );
      const mails = await mailsOf(workspaceId);
      const english = mails.find((m) => m.subject === `Your ${name} settings`);
      expect(english?.text).toContain(`Hello from ${name}!`);
      expect(english?.text).toMatch(/This link lasts \d+ days\./);
      // The button to the preferences page is still there, and the text is escaped in HTML.
      expect(english?.text).toMatch(/\/p\/[^\s]+/);
      expect(english?.html).toContain('&lt;b&gt;not markup&lt;/b&gt;');
      expect(mails.map((m) => m.subject)).toContain(
        defaultMailText('preferencesLink', 'es').subject,
      );

      expect(await editor(resetMailTextCommand, { kind: 'preferencesLink', locale: 'en' })).toEqual(
        {
          ok: true,
          data: { changed: true },
        },
      );
      expect((await stored(workspaceId)).settings.mailTexts).toBeUndefined();
      expect((await mailTextForAdmin(workspaceId, 'preferencesLink', 'en'))?.own).toBe(false);
      await sendPreferencesLink(
        job('mail.preferences_link', workspaceId, { subscriberId: subscriber.id, locale: 'en' }),
      );
      expect((await mailsOf(workspaceId)).map((m) => m.subject)).toContain(
        defaultMailText('preferencesLink', 'en').subject,
      );
      expect(await editor(resetMailTextCommand, { kind: 'preferencesLink', locale: 'en' })).toEqual(
        {
          ok: true,
          data: { changed: false },
        },
      );
    },
    SLOW,
  );

  it(
    'the preview renders a draft without saving it',
    async () => {
      const { workspaceId, viewer } = await setup();
      const result = await viewer(previewMailTextCommand, {
        kind: 'doubleOptIn',
        locale: 'de',
        subject: 'Bitte bestätigen: {{what}}',
        body: 'Hallo von {{brand}}',
      });
      expect(result).toMatchObject({
        ok: true,
        data: {
          subject: 'Bitte bestätigen: Product news per E-Mail',
          text: expect.stringContaining('Ja, anmelden'),
        },
      });
      expect((await stored(workspaceId)).settings.mailTexts).toBeUndefined();
    },
    SLOW,
  );
});

describe('policies and the link domain take effect where Dial acts', () => {
  it(
    'confirmation messages off: no unsubscribe confirmation is sent; feedback question off: no link to it',
    async () => {
      const { workspaceId, editor } = await setup();
      // A new subscriber each time: an opt-out is undone only by the person's own opt-in.
      const send = async () => {
        const subscriber = await makeSubscriber(workspaceId);
        await sendOptOutConfirmation(
          job('mail.optout_confirmation', workspaceId, {
            subscriberId: subscriber.id,
            changeId: await optedOut(workspaceId, subscriber.id),
            feedbackUrl: 'https://dial.example/u/x/done',
          }),
        );
      };
      await send();
      expect((await mailsOf(workspaceId))[0]?.text).toContain('https://dial.example/u/x/done');

      await editor(savePolicySettingsCommand, { ...policiesOn, feedbackQuestion: false });
      await send();
      const mails = await mailsOf(workspaceId);
      expect(mails).toHaveLength(2);
      expect(mails.filter((m) => m.text.includes('/u/x/done'))).toHaveLength(1);

      expect(
        await editor(savePolicySettingsCommand, {
          ...policiesOn,
          feedbackQuestion: false,
          confirmationMessages: false,
        }),
      ).toMatchObject({ ok: true, data: { changed: true } });
      await send();
      expect(await mailsOf(workspaceId)).toHaveLength(2);
      expect((await auditEntries(workspaceId))[0]).toMatchObject({
        action: 'settings.policies',
        detail: { confirmationMessages: { from: true, to: false } },
      });
    },
    SLOW,
  );

  it(
    'the link domain is where signed links point, and those links verify',
    async () => {
      const { workspaceId, editor } = await setup();
      await editor(saveLinkDomainSettingsCommand, { linkDomain: 'links.acme.example' });
      const subscriber = await makeSubscriber(workspaceId);
      const links = await buildLinks({
        workspace: await stored(workspaceId),
        subscriberId: subscriber.id,
      });
      expect(links.preferencesUrl).toMatch(/^https:\/\/links\.acme\.example\/p\//);
      expect(links.headers['List-Unsubscribe']).toMatch(/^<https:\/\/links\.acme\.example\/u\//);
      const token = decodeURIComponent(new URL(links.preferencesUrl).pathname.split('/')[2] ?? '');
      expect((await verifyLink(token, { purpose: 'preferences' })).ok).toBe(true);
    },
    SLOW,
  );

  it(
    'an editor changing the name and sender is what the next mail says',
    async () => {
      const { workspaceId, editor } = await setup();
      await editor(saveGeneralSettingsCommand, { ...general, supportContact: 'help@acme.example' });
      await editor(saveSenderSettingsCommand, {
        senderName: 'Acme News',
        fromAddress: 'news@acme.example',
        replyTo: '',
      });
      const subscriber = await makeSubscriber(workspaceId);
      await sendPreferencesLink(
        job('mail.preferences_link', workspaceId, { subscriberId: subscriber.id, locale: 'en' }),
      );
      const [mail] = await mailsOf(workspaceId);
      expect(mail?.from).toBe('"Acme News" <news@acme.example>');
      expect(mail?.text).toContain('Sent by Acme Shop.');
      expect(mail?.text).toContain('Questions? Contact help@acme.example.');
    },
    SLOW,
  );
});
