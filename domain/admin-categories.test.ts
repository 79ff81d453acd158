import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { closeDb, db } from '@/db/client';
import { listCategories, updateWorkspace } from '@/db/queries/workspaces';
import type { AdminRole } from '@/db/schema';
import { type AdminActionContext, runAdminAction } from './admin-actions';
import {
  archiveCategoryCommand,
  categoriesForAdmin,
  createCategoryCommand,
  moveCategoryCommand,
  updateCategoryCommand,
} from './admin-categories';
import { createAdmin } from './admins';
import { auditLogPage } from './audit';
import { findCheckCategory } from './check';
import { applyConsentFor } from './consent';
import { makeSubscriber, makeWorkspace } from './test-fixtures';

afterAll(() => closeDb());

type Command<S extends z.ZodType, T> = {
  spec: { schema: S; role: AdminRole };
  run: (input: z.output<S>, context: AdminActionContext) => Promise<T>;
};

async function memberOf(workspaceSlug: string, role: AdminRole) {
  const { adminId } = await createAdmin({
    email: `cat-${randomUUID().slice(0, 8)}@example.com`,
    workspaceSlug,
    role,
  });
  return { adminId };
}

/** A workspace with the test fixtures' three categories, and an editor and a viewer in it. */
async function setup() {
  const made = await makeWorkspace('cat');
  const editor = await memberOf(made.workspace.slug, 'editor');
  const viewer = await memberOf(made.workspace.slug, 'viewer');
  const as =
    (session: { adminId: string }, slug = made.workspace.slug) =>
    <S extends z.ZodType, T>(command: Command<S, T>, input: unknown) =>
      runAdminAction(
        { session, workspaceSlug: slug, input, ip: '198.51.100.4' },
        command.spec,
        command.run,
      );
  return { ...made, editor: as(editor), viewer: as(viewer), editorSession: editor, as };
}

const digest = {
  slug: 'weekly-digest',
  kind: 'marketing',
  texts: {
    en: { name: 'Weekly digest', description: 'The best of the week.' },
    es: { name: 'Resumen semanal', description: '' },
    fr: { name: '', description: '' },
  },
  channels: ['email', 'sms'],
  frequencies: ['weekly', 'monthly'],
  defaultFrequency: 'weekly',
};

async function auditActions(workspaceId: string) {
  return (await auditLogPage({ workspaceId })).entries.map((e) => ({
    action: e.action,
    target: e.target,
    detail: e.detail,
    ip: e.ip,
  }));
}

describe('categories in the admin console', () => {
  it('an editor creates a category: stored with its texts, placed last, audited, seen by the check', async () => {
    const { workspace, workspaceId, editor } = await setup();
    // The check caches categories; a create clears that cache so checks see it at once here.
    expect(await findCheckCategory(workspaceId, 'weekly-digest')).toBeUndefined();
    const created = await editor(createCategoryCommand, digest);
    expect(created).toMatchObject({ ok: true, data: { slug: 'weekly-digest' } });

    const rows = await listCategories(await db(), workspaceId);
    expect(rows.map((c) => c.slug).at(-1)).toBe('weekly-digest');
    expect(rows.map((c) => c.position)).toEqual([1, 2, 3, 4]);
    const row = rows.find((c) => c.slug === 'weekly-digest');
    expect(row).toMatchObject({
      kind: 'marketing',
      channels: ['email', 'sms'],
      frequencies: ['weekly', 'monthly'],
      defaultFrequency: 'weekly',
      // Empty locales are not stored; an empty description is left out.
      texts: {
        en: { name: 'Weekly digest', description: 'The best of the week.' },
        es: { name: 'Resumen semanal' },
      },
      archivedAt: null,
    });
    expect(await findCheckCategory(workspaceId, 'weekly-digest')).toMatchObject({
      kind: 'marketing',
      channels: ['email', 'sms'],
    });
    expect((await auditActions(workspace.id))[0]).toEqual({
      action: 'category.create',
      target: 'weekly-digest',
      detail: {
        kind: 'marketing',
        channels: ['email', 'sms'],
        frequencies: ['weekly', 'monthly'],
        defaultFrequency: 'weekly',
      },
      ip: '198.51.100.4',
    });
  });

  it('refuses invalid input with a message per field: default not allowed, bad or taken slug, no default-locale name', async () => {
    const { workspaceId, editor } = await setup();
    expect(
      await editor(createCategoryCommand, { ...digest, defaultFrequency: 'daily' }),
    ).toMatchObject({
      ok: false,
      code: 'validation',
      fieldErrors: {
        defaultFrequency: 'The default frequency must be one of the allowed frequencies.',
      },
    });
    expect(await editor(createCategoryCommand, { ...digest, slug: 'Weekly Digest' })).toMatchObject(
      {
        ok: false,
        code: 'validation',
        fieldErrors: { slug: expect.stringContaining('lower-case') },
      },
    );
    expect(await editor(createCategoryCommand, { ...digest, channels: [] })).toMatchObject({
      ok: false,
      fieldErrors: { channels: 'Choose at least one channel.' },
    });
    const noEnglish = await editor(createCategoryCommand, {
      ...digest,
      texts: { en: { name: '  ', description: '' }, es: { name: 'Resumen', description: '' } },
    });
    expect(noEnglish).toMatchObject({
      ok: false,
      code: 'validation',
      fieldErrors: { 'texts.en.name': expect.stringContaining("workspace's default language") },
    });
    const taken = await editor(createCategoryCommand, { ...digest, slug: 'promotions' });
    expect(taken).toMatchObject({
      ok: false,
      code: 'conflict',
      fieldErrors: { slug: expect.stringContaining('already has a category "promotions"') },
    });
    expect((await listCategories(await db(), workspaceId)).map((c) => c.slug)).toEqual([
      'order-updates',
      'product-news',
      'promotions',
    ]);
  });

  it('the default locale is the workspace’s own: a workspace speaking Spanish first needs a Spanish name', async () => {
    const { workspace, editor } = await setup();
    await updateWorkspace(await db(), workspace.id, {
      settings: { ...workspace.settings, locales: ['es', 'en'], defaultLocale: 'es' },
    });
    const english = await editor(createCategoryCommand, {
      ...digest,
      texts: { en: { name: 'Weekly digest', description: '' } },
    });
    expect(english).toMatchObject({
      ok: false,
      fieldErrors: { 'texts.es.name': expect.stringContaining('Español') },
    });
    expect(await editor(createCategoryCommand, digest)).toMatchObject({ ok: true });
  });

  it('edits names, channels and frequencies; an unchanged save writes nothing', async () => {
    const { workspace, workspaceId, editor } = await setup();
    const created = await editor(createCategoryCommand, digest);
    if (!created.ok) throw new Error(created.message);
    const categoryId = (created.data as { id: string }).id;

    const edited = await editor(updateCategoryCommand, {
      categoryId,
      kind: 'marketing',
      texts: { en: { name: 'The weekly', description: '' }, es: digest.texts.es },
      channels: ['email', 'push'],
      frequencies: ['weekly', 'monthly'],
      defaultFrequency: 'monthly',
    });
    expect(edited).toMatchObject({ ok: true, data: { changed: true } });
    const row = (await listCategories(await db(), workspaceId)).find((c) => c.id === categoryId);
    expect(row).toMatchObject({
      texts: { en: { name: 'The weekly' }, es: { name: 'Resumen semanal' } },
      channels: ['email', 'push'],
      defaultFrequency: 'monthly',
    });
    const [entry] = await auditActions(workspace.id);
    expect(entry).toMatchObject({
      action: 'category.update',
      target: 'weekly-digest',
      detail: {
        channels: { from: ['email', 'sms'], to: ['email', 'push'] },
        defaultFrequency: { from: 'weekly', to: 'monthly' },
        texts: ['en'],
      },
    });

    const again = await editor(updateCategoryCommand, {
      categoryId,
      kind: 'marketing',
      texts: { en: { name: 'The weekly', description: '' }, es: digest.texts.es },
      channels: ['email', 'push'],
      frequencies: ['weekly', 'monthly'],
      defaultFrequency: 'monthly',
    });
    expect(again).toMatchObject({ ok: true, data: { changed: false } });
    expect(
      (await auditActions(workspace.id)).filter((e) => e.action === 'category.update'),
    ).toHaveLength(1);
  });

  it('never changes the kind of a category with history; without history it may', async () => {
    const { workspaceId, categoryIds, editor } = await setup();
    const subscriber = await makeSubscriber(workspaceId);
    await applyConsentFor({
      workspaceId,
      subscriberId: subscriber.id,
      source: 'api',
      evidence: { apiKeyId: 'k1' },
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
      ],
    });
    const promotions = {
      categoryId: categoryIds.promotions,
      kind: 'transactional',
      texts: { en: { name: 'Promotions', description: '' } },
      channels: ['email', 'sms', 'whatsapp', 'push'],
      frequencies: ['instant', 'weekly', 'monthly'],
      defaultFrequency: 'instant',
    };
    const refused = await editor(updateCategoryCommand, promotions);
    expect(refused).toMatchObject({
      ok: false,
      code: 'conflict',
      message: expect.stringContaining('stays marketing'),
      fieldErrors: { kind: expect.stringContaining('stays marketing') },
    });
    const rows = await listCategories(await db(), workspaceId);
    expect(rows.find((c) => c.slug === 'promotions')?.kind).toBe('marketing');
    // The rest of the same form still saves once the kind is left alone.
    expect(await editor(updateCategoryCommand, { ...promotions, kind: 'marketing' })).toMatchObject(
      {
        ok: true,
        data: { changed: true },
      },
    );

    // product-news has no history: its kind may still be corrected.
    const corrected = await editor(updateCategoryCommand, {
      categoryId: categoryIds['product-news'],
      kind: 'transactional',
      texts: { en: { name: 'Product news', description: '' } },
      channels: ['email', 'push'],
      frequencies: ['instant', 'monthly'],
      defaultFrequency: 'instant',
    });
    expect(corrected).toMatchObject({ ok: true, data: { changed: true } });
  });

  it('archives and unarchives (nothing is ever deleted); the check stops offering an archived one', async () => {
    const { workspace, workspaceId, categoryIds, editor } = await setup();
    expect(await findCheckCategory(workspaceId, 'product-news')).toBeDefined();
    const archived = await editor(archiveCategoryCommand, {
      categoryId: categoryIds['product-news'],
      archived: true,
    });
    expect(archived).toMatchObject({ ok: true, data: { changed: true } });
    expect(await findCheckCategory(workspaceId, 'product-news')).toBeUndefined();
    const listed = await categoriesForAdmin(workspaceId);
    expect(listed.active.map((c) => c.slug)).not.toContain('product-news');
    expect(listed.archived.map((c) => c.slug)).toEqual(['product-news']);

    const restored = await editor(archiveCategoryCommand, {
      categoryId: categoryIds['product-news'],
      archived: false,
    });
    expect(restored).toMatchObject({ ok: true, data: { changed: true } });
    expect((await categoriesForAdmin(workspaceId)).archived).toEqual([]);
    expect((await auditActions(workspace.id)).slice(0, 2).map((e) => e.action)).toEqual([
      'category.unarchive',
      'category.archive',
    ]);
  });

  it('moves a category up and down among those in use, skipping archived ones', async () => {
    const { workspace, workspaceId, categoryIds, editor } = await setup();
    const order = async () => (await categoriesForAdmin(workspaceId)).active.map((c) => c.slug);
    expect(await order()).toEqual(['order-updates', 'product-news', 'promotions']);
    await editor(archiveCategoryCommand, {
      categoryId: categoryIds['product-news'],
      archived: true,
    });

    expect(
      await editor(moveCategoryCommand, { categoryId: categoryIds.promotions, direction: 'up' }),
    ).toMatchObject({ ok: true, data: { changed: true } });
    expect(await order()).toEqual(['promotions', 'order-updates']);
    // Already first: nothing to do, nothing logged.
    expect(
      await editor(moveCategoryCommand, { categoryId: categoryIds.promotions, direction: 'up' }),
    ).toMatchObject({ ok: true, data: { changed: false } });
    expect(
      await editor(moveCategoryCommand, { categoryId: categoryIds.promotions, direction: 'down' }),
    ).toMatchObject({ ok: true, data: { changed: true } });
    expect(await order()).toEqual(['order-updates', 'promotions']);
    const moves = (await auditActions(workspace.id)).filter((e) => e.action === 'category.move');
    expect(moves.map((e) => e.detail)).toEqual([{ direction: 'down' }, { direction: 'up' }]);
    // An archived category cannot be moved.
    expect(
      await editor(moveCategoryCommand, {
        categoryId: categoryIds['product-news'],
        direction: 'up',
      }),
    ).toMatchObject({ ok: false, code: 'conflict' });
  });

  it('a viewer cannot change anything; an editor of another workspace cannot touch this one', async () => {
    const { workspace, workspaceId, categoryIds, viewer, as } = await setup();
    const before = await listCategories(await db(), workspaceId);
    const forbidden = { ok: false, code: 'forbidden' };
    expect(await viewer(createCategoryCommand, digest)).toMatchObject(forbidden);
    expect(
      await viewer(archiveCategoryCommand, { categoryId: categoryIds.promotions, archived: true }),
    ).toMatchObject(forbidden);
    expect(
      await viewer(moveCategoryCommand, { categoryId: categoryIds.promotions, direction: 'up' }),
    ).toMatchObject(forbidden);
    expect(
      await viewer(updateCategoryCommand, {
        categoryId: categoryIds.promotions,
        kind: 'marketing',
        texts: { en: { name: 'Mine now', description: '' } },
        channels: ['email'],
        frequencies: ['instant'],
        defaultFrequency: 'instant',
      }),
    ).toMatchObject(forbidden);

    // An owner of workspace B: B's slug with A's category ids finds nothing, and A's slug is a 404.
    const other = await makeWorkspace('cat-other');
    const stranger = await memberOf(other.workspace.slug, 'owner');
    const inOwn = as(stranger, other.workspace.slug);
    const inA = as(stranger, workspace.slug);
    const notFound = { ok: false, code: 'not_found' };
    expect(
      await inOwn(archiveCategoryCommand, { categoryId: categoryIds.promotions, archived: true }),
    ).toMatchObject(notFound);
    expect(
      await inOwn(updateCategoryCommand, {
        categoryId: categoryIds.promotions,
        kind: 'marketing',
        texts: { en: { name: 'Mine now', description: '' } },
        channels: ['email'],
        frequencies: ['instant'],
        defaultFrequency: 'instant',
      }),
    ).toMatchObject(notFound);
    expect(
      await inOwn(moveCategoryCommand, { categoryId: categoryIds.promotions, direction: 'down' }),
    ).toMatchObject(notFound);
    expect(await inA(createCategoryCommand, digest)).toMatchObject(notFound);
    expect(
      await inA(archiveCategoryCommand, { categoryId: categoryIds.promotions, archived: true }),
    ).toMatchObject(notFound);

    expect(await listCategories(await db(), workspaceId)).toEqual(before);
    expect(
      (await auditActions(workspace.id)).filter((e) => e.action.startsWith('category.')),
    ).toEqual([]);
  });
});
