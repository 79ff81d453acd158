import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { closeDb, db } from '@/db/client';
import { updateWorkspace } from '@/db/queries/workspaces';
import type { AdminRole } from '@/db/schema';
import { type AdminActionContext, runAdminAction } from './admin-actions';
import {
  consentTextForAdmin,
  consentTextsForAdmin,
  createConsentTextCommand,
  writeConsentTextVersionCommand,
} from './admin-consent-texts';
import { createAdmin } from './admins';
import { auditLogPage } from './audit';
import { makeWorkspace } from './test-fixtures';

afterAll(() => closeDb());

type Command<S extends z.ZodType, T> = {
  spec: { schema: S; role: AdminRole };
  run: (input: z.output<S>, context: AdminActionContext) => Promise<T>;
};

async function memberOf(workspaceSlug: string, role: AdminRole) {
  const email = `ct-${randomUUID().slice(0, 8)}@example.com`;
  const { adminId } = await createAdmin({ email, workspaceSlug, role });
  return { adminId, email };
}

/** A workspace (English first, then es, fr, de) with an editor and a viewer in it. */
async function setup() {
  const made = await makeWorkspace('ct');
  const editor = await memberOf(made.workspace.slug, 'editor');
  const viewer = await memberOf(made.workspace.slug, 'viewer');
  const as =
    (session: { adminId: string }, slug = made.workspace.slug) =>
    <S extends z.ZodType, T>(command: Command<S, T>, input: unknown) =>
      runAdminAction(
        { session, workspaceSlug: slug, input, ip: '198.51.100.7' },
        command.spec,
        command.run,
      );
  return { ...made, editor: as(editor), viewer: as(viewer), editorEmail: editor.email, as };
}

const first = {
  key: 'marketing-consent',
  locale: 'en',
  body: 'Yes, send me offers.\nI can opt out at any time.',
};

async function consentAudit(workspaceId: string) {
  return (await auditLogPage({ workspaceId })).entries
    .filter((e) => e.action.startsWith('consent_text.'))
    .map((e) => ({ action: e.action, target: e.target, detail: e.detail, ip: e.ip }));
}

describe('consent texts in the admin console', () => {
  it('a new version increments per locale and leaves the old one unchanged and readable', async () => {
    const { workspaceId, editor, editorEmail } = await setup();
    expect(await editor(createConsentTextCommand, first)).toEqual({
      ok: true,
      data: { key: 'marketing-consent', locale: 'en', version: 1 },
    });
    const v1 = await consentTextForAdmin(workspaceId, 'marketing-consent');
    const v1Row = v1?.byLocale[0]?.versions[0];
    expect(v1Row).toMatchObject({ locale: 'en', version: 1, body: first.body });

    // Windows line endings and surrounding blanks are normalised; line breaks are kept.
    const second = await editor(writeConsentTextVersionCommand, {
      ...first,
      body: '  Yes, send me offers and news.\r\nI can opt out at any time.  ',
    });
    expect(second).toEqual({
      ok: true,
      data: { key: 'marketing-consent', locale: 'en', version: 2 },
    });
    // Another locale starts at 1; then English goes on at 3.
    expect(
      await editor(writeConsentTextVersionCommand, {
        ...first,
        locale: 'es',
        body: 'Sí, envíenme ofertas.',
      }),
    ).toMatchObject({ ok: true, data: { locale: 'es', version: 1 } });
    expect(
      await editor(writeConsentTextVersionCommand, { ...first, body: 'Third wording.' }),
    ).toMatchObject({ ok: true, data: { locale: 'en', version: 3 } });

    const text = await consentTextForAdmin(workspaceId, 'marketing-consent');
    expect(text?.byLocale.map((l) => l.locale)).toEqual(['en', 'es']);
    const english = text?.byLocale[0]?.versions ?? [];
    expect(english.map((v) => [v.version, v.body])).toEqual([
      [3, 'Third wording.'],
      [2, 'Yes, send me offers and news.\nI can opt out at any time.'],
      [1, first.body],
    ]);
    // Version 1 is the very same row, untouched (id, wording, time).
    expect(english[2]).toEqual(v1Row);
    expect(english.every((v) => v.writtenBy === editorEmail)).toBe(true);

    const list = await consentTextsForAdmin(workspaceId);
    expect(list.texts).toEqual([
      {
        key: 'marketing-consent',
        locales: [
          { locale: 'en', version: 3, createdAt: expect.any(Date), writtenBy: editorEmail },
          { locale: 'es', version: 1, createdAt: expect.any(Date), writtenBy: editorEmail },
        ],
      },
    ]);
  });

  it('saves at the same time never share a version number (the unique index decides, the loser retries)', async () => {
    const { workspaceId, editor } = await setup();
    await editor(createConsentTextCommand, first);
    const results = await Promise.all(
      ['A', 'B', 'C', 'D'].map((n) =>
        editor(writeConsentTextVersionCommand, { ...first, body: `Wording ${n}` }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const versions = results.map((r) => (r.ok ? r.data.version : 0)).sort((a, b) => a - b);
    expect(versions).toEqual([2, 3, 4, 5]);
    const text = await consentTextForAdmin(workspaceId, 'marketing-consent');
    expect(text?.byLocale[0]?.versions.map((v) => v.version)).toEqual([5, 4, 3, 2, 1]);
  });

  it('writes the audit entry with the version, in the same transaction', async () => {
    const { workspace, editor } = await setup();
    await editor(createConsentTextCommand, first);
    await editor(writeConsentTextVersionCommand, { ...first, body: 'Second.' });
    expect(await consentAudit(workspace.id)).toEqual([
      {
        action: 'consent_text.version',
        target: 'marketing-consent',
        detail: { locale: 'en', version: 2, length: 7 },
        ip: '198.51.100.7',
      },
      {
        action: 'consent_text.create',
        target: 'marketing-consent',
        detail: { locale: 'en', version: 1, length: first.body.length },
        ip: '198.51.100.7',
      },
    ]);
  });

  it('refuses invalid input with a message per field, and writes nothing', async () => {
    const { workspace, workspaceId, editor } = await setup();
    expect(await editor(createConsentTextCommand, { ...first, body: '   \n ' })).toMatchObject({
      ok: false,
      code: 'validation',
      fieldErrors: { body: 'Write the wording people agree to.' },
    });
    expect(
      await editor(createConsentTextCommand, { ...first, body: 'x'.repeat(2001) }),
    ).toMatchObject({
      ok: false,
      code: 'validation',
      fieldErrors: { body: 'Keep the wording under 2,000 characters.' },
    });
    expect(
      await editor(createConsentTextCommand, { ...first, key: 'Marketing Consent' }),
    ).toMatchObject({
      ok: false,
      code: 'validation',
      fieldErrors: { key: expect.stringContaining('lower-case') },
    });
    // `new` is the path of the create page, so it is no key.
    expect(await editor(createConsentTextCommand, { ...first, key: 'new' })).toMatchObject({
      ok: false,
      code: 'validation',
      fieldErrors: { key: expect.stringContaining('taken by the console') },
    });
    expect(await editor(createConsentTextCommand, { ...first, locale: 'it' })).toMatchObject({
      ok: false,
      code: 'validation',
      fieldErrors: { locale: 'Choose a language.' },
    });
    // A language Dial speaks but this workspace does not offer.
    await updateWorkspace(await db(), workspaceId, {
      settings: { ...workspace.settings, locales: ['en', 'es'], defaultLocale: 'en' },
    });
    expect(await editor(createConsentTextCommand, { ...first, locale: 'de' })).toMatchObject({
      ok: false,
      code: 'validation',
      fieldErrors: { locale: expect.stringContaining('does not offer Deutsch') },
    });
    expect(await consentTextsForAdmin(workspaceId)).toMatchObject({ texts: [] });

    // A new version of a text that does not exist; a second text with a taken key; no change.
    expect(
      await editor(writeConsentTextVersionCommand, { ...first, key: 'no-such-text' }),
    ).toMatchObject({ ok: false, code: 'not_found' });
    await editor(createConsentTextCommand, first);
    expect(
      await editor(createConsentTextCommand, { ...first, locale: 'es', body: 'Otra.' }),
    ).toMatchObject({
      ok: false,
      code: 'conflict',
      fieldErrors: {
        key: expect.stringContaining('already has a consent text "marketing-consent"'),
      },
    });
    expect(
      await editor(writeConsentTextVersionCommand, { ...first, body: `  ${first.body}\n` }),
    ).toMatchObject({
      ok: false,
      code: 'validation',
      fieldErrors: { body: expect.stringContaining('wording of version 1 already') },
    });
    const text = await consentTextForAdmin(workspaceId, 'marketing-consent');
    expect(text?.byLocale.flatMap((l) => l.versions.map((v) => v.version))).toEqual([1]);
    expect((await consentAudit(workspaceId)).map((e) => e.action)).toEqual(['consent_text.create']);
  });

  it('a viewer cannot write; an owner of workspace B cannot read or write workspace A’s texts', async () => {
    const { workspace, workspaceId, editor, viewer, as } = await setup();
    await editor(createConsentTextCommand, first);
    const forbidden = { ok: false, code: 'forbidden' };
    expect(await viewer(writeConsentTextVersionCommand, { ...first, body: 'Mine.' })).toMatchObject(
      forbidden,
    );
    expect(await viewer(createConsentTextCommand, { ...first, key: 'other' })).toMatchObject(
      forbidden,
    );

    const other = await makeWorkspace('ct-other');
    const stranger = await memberOf(other.workspace.slug, 'owner');
    const notFound = { ok: false, code: 'not_found' };
    // A's slug: not found, the same as a workspace that does not exist.
    expect(
      await as(stranger, workspace.slug)(writeConsentTextVersionCommand, { ...first, body: 'B.' }),
    ).toMatchObject(notFound);
    // B's own slug with A's key: B has no such text, and A's stays as it was.
    expect(
      await as(stranger, other.workspace.slug)(writeConsentTextVersionCommand, {
        ...first,
        body: 'B.',
      }),
    ).toMatchObject(notFound);
    expect(await consentTextForAdmin(other.workspaceId, 'marketing-consent')).toBeUndefined();

    const text = await consentTextForAdmin(workspaceId, 'marketing-consent');
    expect(text?.byLocale.flatMap((l) => l.versions.map((v) => [v.version, v.body]))).toEqual([
      [1, first.body],
    ]);
    expect((await consentAudit(workspaceId)).map((e) => e.action)).toEqual(['consent_text.create']);
    expect(await consentAudit(other.workspaceId)).toEqual([]);
  });
});
