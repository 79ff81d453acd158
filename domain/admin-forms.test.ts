import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { closeDb, db } from '@/db/client';
import { findFormBySlug } from '@/db/queries/admin-forms';
import { setCategoryPositions, updateCategory } from '@/db/queries/categories';
import { insertConsentTexts, insertForms } from '@/db/queries/workspaces';
import type { AdminRole } from '@/db/schema';
import { type AdminActionContext, runAdminAction } from './admin-actions';
import {
  checkOrigin,
  contrastWithWhite,
  embedSnippet,
  parseOrigins,
  previewConsentText,
  previewOptions,
} from './admin-form-validation';
import { createFormCommand, editorValues, formEditorData, updateFormCommand } from './admin-forms';
import { createAdmin } from './admins';
import { auditLogPage } from './audit';
import { loadEmbedForm, originAllowed } from './embed';
import { makeWorkspace } from './test-fixtures';

// Opening the database runs every migration first: slow on a busy machine, so not in a test's time.
beforeAll(async () => {
  await db();
}, 180_000);
afterAll(() => closeDb());

type Command<S extends z.ZodType, T> = {
  spec: { schema: S; role: AdminRole };
  run: (input: z.output<S>, context: AdminActionContext) => Promise<T>;
};

async function memberOf(workspaceSlug: string, role: AdminRole) {
  const { adminId } = await createAdmin({
    email: `form-${randomUUID().slice(0, 8)}@example.com`,
    workspaceSlug,
    role,
  });
  return { adminId };
}

/** A workspace with the fixtures' categories, a consent text in two languages, an editor and a viewer. */
async function setup() {
  const made = await makeWorkspace('form');
  const dbh = await db();
  await insertConsentTexts(dbh, [
    { workspaceId: made.workspaceId, key: 'signup', locale: 'en', version: 1, body: 'Old words.' },
    {
      workspaceId: made.workspaceId,
      key: 'signup',
      locale: 'en',
      version: 2,
      body: 'You can unsubscribe at any time.',
    },
    {
      workspaceId: made.workspaceId,
      key: 'signup',
      locale: 'es',
      version: 1,
      body: 'Puedes darte de baja cuando quieras.',
    },
  ]);
  // The order subscribers see: promotions, then product-news (then the transactional one).
  await setCategoryPositions(
    dbh,
    made.workspaceId,
    ['promotions', 'product-news', 'order-updates'].map((slug) => made.categoryIds[slug] as string),
  );
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
  return { ...made, editor: as(editor), viewer: as(viewer), as };
}

const newsletter = {
  slug: 'newsletter',
  name: 'Newsletter sign-up',
  fields: ['email'],
  channels: ['email'],
  // Out of the workspace's order on purpose: stored in the order subscribers see categories.
  categorySlugs: ['product-news', 'promotions'],
  consentTextKey: 'signup',
  doubleOptIn: { email: true },
  allowedOrigins: 'https://shop.example.com\n https://*.example.org/ \n\nhttp://localhost:*',
  accentColor: '#0F766E',
  mode: 'dark',
  successMessage: { en: 'Check your inbox to confirm.', es: '', fr: '  ' },
};

async function auditEntries(workspaceId: string) {
  return (await auditLogPage({ workspaceId })).entries;
}

describe('allowed origins, as the embed matches them', () => {
  it('accepts https sites (with a port or any subdomain) and http only on this computer', () => {
    for (const ok of [
      'https://shop.example.com',
      'https://shop.example.com:8443',
      'https://*.example.com',
      'HTTPS://Shop.Example.com/',
      'http://localhost:*',
      'http://127.0.0.1:3000',
    ])
      expect(checkOrigin(ok), ok).toMatchObject({ ok: true });
    expect(checkOrigin('HTTPS://Shop.Example.com/')).toEqual({
      ok: true,
      origin: 'https://shop.example.com',
    });
  });

  it('refuses what is not an origin, saying why', () => {
    const why = (raw: string) => {
      const checked = checkOrigin(raw);
      return checked.ok ? 'accepted' : checked.message;
    };
    expect(why('shop.example.com')).toContain('needs its scheme');
    expect(why('https://shop.example.com/signup')).toContain('has a path');
    expect(why('http://shop.example.com')).toContain('uses http');
    expect(why('https://*.com')).toContain('top-level domain');
    expect(why('https://shop example.com')).toContain('is not an origin');
    expect(why('https://shop.example.com:70000')).toContain('port');
    expect(why('javascript://x')).toContain('is not an origin');
    expect(why("https://a.com 'unsafe-inline'")).toContain('is not an origin');
  });

  it('every accepted pattern is one the embed honours for the site it names', () => {
    const { origins, problems } = parseOrigins(newsletter.allowedOrigins);
    expect(problems).toEqual([]);
    expect(origins).toEqual([
      'https://shop.example.com',
      'https://*.example.org',
      'http://localhost:*',
    ]);
    expect(originAllowed('https://shop.example.com', origins)).toBe(true);
    expect(originAllowed('https://www.example.org', origins)).toBe(true);
    expect(originAllowed('http://localhost:5173', origins)).toBe(true);
    expect(originAllowed('https://evil.example.net', origins)).toBe(false);
  });
});

describe('forms in the admin console', () => {
  it('an editor creates a form: stored as the embed serves it, audited in the same change', async () => {
    const { workspace, workspaceId, editor } = await setup();
    const created = await editor(createFormCommand, newsletter);
    expect(created).toMatchObject({ ok: true, data: { slug: 'newsletter', changed: true } });

    const row = await findFormBySlug(await db(), workspaceId, 'newsletter');
    expect(row).toMatchObject({
      name: 'Newsletter sign-up',
      fields: ['email'],
      channels: ['email'],
      categorySlugs: ['promotions', 'product-news'],
      consentTextKey: 'signup',
      doubleOptIn: { email: true },
      allowedOrigins: ['https://shop.example.com', 'https://*.example.org', 'http://localhost:*'],
      theme: { mode: 'dark', accentColor: '#0f766e' },
      // Empty languages are not stored.
      successMessage: { en: 'Check your inbox to confirm.' },
    });

    const served = await loadEmbedForm({
      workspaceSlug: workspace.slug,
      formSlug: 'newsletter',
      locale: 'en',
    });
    expect(served?.options.map((o) => o.key)).toEqual([
      'opt:promotions:email',
      'opt:product-news:email',
    ]);
    expect(served?.consentText).toMatchObject({
      version: 2,
      body: 'You can unsubscribe at any time.',
    });
    expect(served?.allowedOrigins).toEqual(row?.allowedOrigins);

    const [entry] = await auditEntries(workspaceId);
    expect(entry).toMatchObject({
      action: 'form.create',
      target: 'newsletter',
      ip: '198.51.100.7',
      detail: {
        name: 'Newsletter sign-up',
        categories: ['promotions', 'product-news'],
        consentText: 'signup',
        doubleOptIn: { email: true },
        allowedOrigins: ['https://shop.example.com', 'https://*.example.org', 'http://localhost:*'],
      },
    });
  });

  it('the preview shows what the embed serves: the same boxes, wording and version', async () => {
    const { workspace, workspaceId, editor } = await setup();
    const checkout = {
      ...newsletter,
      slug: 'checkout',
      fields: ['email', 'phone'],
      channels: ['email', 'sms', 'whatsapp'] as const,
      categorySlugs: ['promotions', 'product-news'],
    };
    expect(await editor(createFormCommand, checkout)).toMatchObject({ ok: true });
    const data = await formEditorData(workspaceId);
    for (const locale of ['en', 'es'] as const) {
      const served = await loadEmbedForm({
        workspaceSlug: workspace.slug,
        formSlug: 'checkout',
        locale,
      });
      const previewed = previewOptions(checkout, data.categories, locale);
      expect(previewed).toEqual(
        served?.options.map((o) => ({
          key: o.key,
          name: o.name,
          description: o.description,
          channel: o.channel,
        })),
      );
      const text = previewConsentText(
        data.consentTexts.find((t) => t.key === 'signup'),
        locale,
      );
      expect({ body: text?.body, version: text?.version }).toEqual({
        body: served?.consentText?.body,
        version: served?.consentText?.version,
      });
    }
    // The editor lists each text's current version per language.
    expect(data.consentTexts).toEqual([
      {
        key: 'signup',
        versions: [
          { locale: 'en', version: 2, body: 'You can unsubscribe at any time.' },
          { locale: 'es', version: 1, body: 'Puedes darte de baja cuando quieras.' },
        ],
      },
    ]);
    // Transactional categories are never offered on a form.
    expect(data.categories.map((c) => c.slug)).toEqual(['promotions', 'product-news']);
  });

  it('refuses a bad origin, a category with no channel in common, an unknown consent text', async () => {
    const { workspaceId, categoryIds, editor } = await setup();
    const badOrigin = await editor(createFormCommand, {
      ...newsletter,
      allowedOrigins: 'https://shop.example.com\nshop.example.org',
    });
    expect(badOrigin).toMatchObject({
      ok: false,
      code: 'validation',
      fieldErrors: {
        allowedOrigins: expect.stringContaining('“shop.example.org” needs its scheme'),
      },
    });

    // product-news goes by email and push; a text-message-only form cannot offer it.
    const noChannel = await editor(createFormCommand, {
      ...newsletter,
      fields: ['phone'],
      channels: ['sms'],
      doubleOptIn: { sms: true },
    });
    expect(noChannel).toMatchObject({
      ok: false,
      code: 'validation',
      fieldErrors: {
        categorySlugs: expect.stringContaining('“product-news” is sent by email or push'),
      },
    });

    const unknownText = await editor(createFormCommand, { ...newsletter, consentTextKey: 'nope' });
    expect(unknownText).toMatchObject({
      ok: false,
      code: 'validation',
      fieldErrors: { consentTextKey: expect.stringContaining('no consent text “nope”') },
    });

    // A channel without the field its messages go to; a transactional or archived category.
    expect(
      await editor(createFormCommand, { ...newsletter, channels: ['email', 'sms'] }),
    ).toMatchObject({
      ok: false,
      fieldErrors: { channels: expect.stringContaining('need the mobile number field') },
    });
    expect(
      await editor(createFormCommand, { ...newsletter, categorySlugs: ['order-updates'] }),
    ).toMatchObject({
      ok: false,
      fieldErrors: {
        categorySlugs: expect.stringContaining('no marketing category “order-updates”'),
      },
    });
    await updateCategory(await db(), workspaceId, categoryIds['product-news'] as string, {
      archivedAt: new Date(),
    });
    expect(await editor(createFormCommand, newsletter)).toMatchObject({
      ok: false,
      fieldErrors: { categorySlugs: expect.stringContaining('“product-news”') },
    });
    expect(
      await editor(createFormCommand, { ...newsletter, slug: 'Newsletter!', categorySlugs: [] }),
    ).toMatchObject({
      ok: false,
      fieldErrors: {
        slug: expect.stringContaining('lower-case'),
        categorySlugs: 'Offer at least one category.',
      },
    });

    // Nothing was written, not even to the log.
    expect(await findFormBySlug(await db(), workspaceId, 'newsletter')).toBeUndefined();
    expect((await auditEntries(workspaceId)).filter((e) => e.action.startsWith('form.'))).toEqual(
      [],
    );
  });

  it('a slug is taken once, and never changes: an edit keeps it whatever it sends', async () => {
    const { workspaceId, editor } = await setup();
    const created = await editor(createFormCommand, newsletter);
    if (!created.ok) throw new Error(created.message);
    expect(await editor(createFormCommand, { ...newsletter, name: 'Again' })).toMatchObject({
      ok: false,
      code: 'conflict',
      fieldErrors: { slug: expect.stringContaining('already has a form “newsletter”') },
    });
    const row = await findFormBySlug(await db(), workspaceId, 'newsletter');
    if (!row) throw new Error('form missing');
    const edited = await editor(updateFormCommand, {
      ...editorValues(row),
      slug: 'renamed',
      name: 'Weekly letter',
    });
    expect(edited).toMatchObject({ ok: true, data: { slug: 'newsletter', changed: true } });
    expect(await findFormBySlug(await db(), workspaceId, 'renamed')).toBeUndefined();
    expect((await findFormBySlug(await db(), workspaceId, 'newsletter'))?.name).toBe(
      'Weekly letter',
    );
  });

  it('an edit is saved and audited with what changed; an unchanged save writes nothing', async () => {
    const { workspace, workspaceId, editor } = await setup();
    await editor(createFormCommand, newsletter);
    const row = await findFormBySlug(await db(), workspaceId, 'newsletter');
    if (!row) throw new Error('form missing');
    const values = editorValues(row);
    const edited = await editor(updateFormCommand, {
      ...values,
      fields: ['email', 'phone'],
      channels: ['email', 'sms'],
      categorySlugs: ['promotions'],
      doubleOptIn: { email: true, sms: true },
      allowedOrigins: 'https://shop.example.com\nhttps://checkout.example.com',
    });
    expect(edited).toMatchObject({ ok: true, data: { changed: true } });
    const after = await findFormBySlug(await db(), workspaceId, 'newsletter');
    expect(after).toMatchObject({
      fields: ['email', 'phone'],
      channels: ['email', 'sms'],
      categorySlugs: ['promotions'],
      doubleOptIn: { email: true, sms: true },
      allowedOrigins: ['https://shop.example.com', 'https://checkout.example.com'],
    });
    const served = await loadEmbedForm({
      workspaceSlug: workspace.slug,
      formSlug: 'newsletter',
      locale: 'en',
    });
    expect(served?.options.map((o) => o.key)).toEqual([
      'opt:promotions:email',
      'opt:promotions:sms',
    ]);
    expect(served?.needsPhone).toBe(true);

    const [entry] = await auditEntries(workspaceId);
    expect(entry).toMatchObject({
      action: 'form.update',
      target: 'newsletter',
      detail: {
        changed: ['fields', 'channels', 'categories', 'double opt-in', 'allowed origins'],
        originsAdded: ['https://checkout.example.com'],
        originsRemoved: ['https://*.example.org', 'http://localhost:*'],
        categories: { from: ['promotions', 'product-news'], to: ['promotions'] },
      },
    });

    const again = await editor(updateFormCommand, editorValues(after as NonNullable<typeof after>));
    expect(again).toMatchObject({ ok: true, data: { changed: false } });
    expect(
      (await auditEntries(workspaceId)).filter((e) => e.action === 'form.update'),
    ).toHaveLength(1);
  });

  it('a form saved before the editor existed (no theme, no mode) saves unchanged as unchanged', async () => {
    const { workspaceId, editor } = await setup();
    await insertForms(await db(), [
      {
        workspaceId,
        slug: 'legacy',
        name: 'Legacy',
        fields: ['email'],
        categorySlugs: ['promotions'],
        channels: ['email'],
        consentTextKey: 'signup',
        doubleOptIn: { email: true },
      },
    ]);
    const row = await findFormBySlug(await db(), workspaceId, 'legacy');
    if (!row) throw new Error('form missing');
    // Channels it does not offer yet start from the workspace's policy, not from "off".
    expect(editorValues(row, { sms: true, whatsapp: false }).doubleOptIn).toEqual({
      email: true,
      sms: true,
      whatsapp: false,
    });
    expect(await editor(updateFormCommand, editorValues(row))).toMatchObject({
      ok: true,
      data: { changed: false },
    });
  });

  it('a viewer changes nothing; an admin of another workspace finds nothing here', async () => {
    const { workspace, workspaceId, editor, viewer, as } = await setup();
    const forbidden = { ok: false, code: 'forbidden' };
    expect(await viewer(createFormCommand, newsletter)).toMatchObject(forbidden);
    await editor(createFormCommand, newsletter);
    const row = await findFormBySlug(await db(), workspaceId, 'newsletter');
    if (!row) throw new Error('form missing');
    const hijack = {
      ...editorValues(row),
      allowedOrigins: 'https://evil.example.net',
      name: 'Mine now',
    };
    expect(await viewer(updateFormCommand, hijack)).toMatchObject(forbidden);

    const other = await makeWorkspace('form-other');
    const stranger = await memberOf(other.workspace.slug, 'owner');
    // Naming this workspace: as if it did not exist.
    const here = as(stranger, workspace.slug);
    expect(await here(createFormCommand, newsletter)).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(await here(updateFormCommand, hijack)).toMatchObject({ ok: false, code: 'not_found' });
    // From their own workspace, this workspace's form id is not found either.
    const inOwn = as(stranger, other.workspace.slug);
    expect(await inOwn(updateFormCommand, hijack)).toMatchObject({
      ok: false,
      code: 'not_found',
    });

    const after = await findFormBySlug(await db(), workspaceId, 'newsletter');
    expect(after?.name).toBe('Newsletter sign-up');
    expect(after?.allowedOrigins).not.toContain('https://evil.example.net');
    expect(
      (await auditEntries(workspaceId)).filter((e) => e.action.startsWith('form.')),
    ).toHaveLength(1);
    expect(
      (await auditEntries(other.workspaceId)).filter((e) => e.action.startsWith('form.')),
    ).toEqual([]);
  });

  it('the snippet is the loader tag of the Contract; a light accent is flagged as hard to read', () => {
    expect(embedSnippet('https://dial.example.com/', 'demo', 'newsletter')).toBe(
      '<script src="https://dial.example.com/embed.js" data-workspace="demo" data-form="newsletter" async></script>',
    );
    expect(contrastWithWhite('#4f46e5')).toBeGreaterThan(4.5);
    expect(contrastWithWhite('#fde047')).toBeLessThan(4.5);
  });
});
