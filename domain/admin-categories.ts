import { type Db, type DbOrTx, db as getDb } from '@/db/client';
import {
  categoryHasHistory,
  findCategory,
  findCategoryBySlug,
  insertCategory,
  lockCategoryOrder,
  setCategoryPositions,
  updateCategory,
} from '@/db/queries/categories';
import { findWorkspaceById, listCategories } from '@/db/queries/workspaces';
import type { Category, LocalizedText, WorkspaceSettings } from '@/db/schema';
import type { AdminActionContext } from './admin-actions';
import {
  type CategoryArchiveInput,
  type CategoryCreateInput,
  type CategoryMoveInput,
  type CategoryUpdateInput,
  categoryArchiveSchema,
  categoryCreateSchema,
  categoryMoveSchema,
  categoryUpdateSchema,
  localeIssues,
} from './admin-category-validation';
import { recordAudit } from './audit';
import { clearCategoryCache } from './check';
import { DomainError } from './errors';
import { isLocale, type Locale } from './i18n';
import { isUniqueViolation } from './subscribers';

/**
 * Categories as the admin console changes them (issue 7, item 3). Each command is a schema, the
 * least role, and what it does inside one transaction with its audit entry; the server actions
 * in app/(admin)/admin/[workspace]/categories/actions.ts run them through the admin action
 * wrapper, and the tests through `runAdminAction`, so both take the same path.
 *
 * Nothing here deletes a category: consent events and subscriptions point at it forever, so the
 * way out is archiving (hidden from forms, checks and preference pages; its history stays
 * readable). And a category's kind never changes once anyone has history with it: consent given
 * to a marketing category is not consent to something that can no longer be refused, and a
 * transactional category's subscribers never opted in to marketing.
 */

export const CATEGORY_AUDIT = {
  create: 'category.create',
  update: 'category.update',
  archive: 'category.archive',
  unarchive: 'category.unarchive',
  move: 'category.move',
} as const;

/** The workspace's locales (in its order) and its default, as the category forms use them. */
export type WorkspaceLocales = { locales: Locale[]; defaultLocale: Locale };

export function workspaceLocales(settings: WorkspaceSettings | null | undefined): WorkspaceLocales {
  const defaultLocale = isLocale(settings?.defaultLocale) ? settings.defaultLocale : 'en';
  const locales = (settings?.locales ?? []).filter(isLocale);
  return {
    locales: locales.includes(defaultLocale) ? locales : [defaultLocale, ...locales],
    defaultLocale,
  };
}

async function localesOf(database: DbOrTx, id: string) {
  const workspace = await findWorkspaceById(database, id);
  if (!workspace) throw new DomainError('not_found', 'No such workspace.');
  return workspaceLocales(workspace.settings);
}

/**
 * The texts to store: the workspace's locales from the form (empty ones dropped), and whatever
 * the category already had in locales the workspace no longer offers (kept, not lost by an edit).
 */
function textsToStore(
  input: CategoryCreateInput['texts'],
  locales: WorkspaceLocales,
  previous: LocalizedText = {},
): LocalizedText {
  const kept = Object.fromEntries(
    Object.entries(previous).filter(([locale]) => !(locales.locales as string[]).includes(locale)),
  );
  const texts: LocalizedText = { ...kept };
  for (const locale of locales.locales) {
    const text = input[locale];
    if (!text?.name) continue;
    texts[locale] = text.description
      ? { name: text.name, description: text.description }
      : { name: text.name };
  }
  return texts;
}

function requireDefaultName(texts: CategoryCreateInput['texts'], locales: WorkspaceLocales) {
  const issues = localeIssues(texts, locales.defaultLocale);
  if (issues.length > 0)
    throw new DomainError('validation', issues[0]?.message ?? 'Check the names.', {
      errors: issues,
    });
}

/** The category in this workspace, or not found (a category of another workspace included). */
async function requireCategory(
  database: DbOrTx,
  workspaceId: string,
  id: string,
): Promise<Category> {
  const row = await findCategory(database, workspaceId, id);
  if (!row) throw new DomainError('not_found', 'No such category in this workspace.');
  return row;
}

/** What the console's category pages show: every category in order, and the locales to edit. */
export async function categoriesForAdmin(workspaceId: string, database?: DbOrTx) {
  const dbh = database ?? (await getDb());
  const [locales, rows] = await Promise.all([
    localesOf(dbh, workspaceId),
    listCategories(dbh, workspaceId),
  ]);
  return {
    locales,
    active: rows.filter((c) => c.archivedAt === null),
    archived: rows.filter((c) => c.archivedAt !== null),
  };
}

/** One category of the workspace for its edit page, or undefined (another workspace's too). */
export async function categoryForAdmin(workspaceId: string, id: string, database?: DbOrTx) {
  const dbh = database ?? (await getDb());
  if (!UUID.test(id)) return undefined;
  const [locales, category] = await Promise.all([
    localesOf(dbh, workspaceId),
    findCategory(dbh, workspaceId, id),
  ]);
  if (!category) return undefined;
  return {
    locales,
    category,
    hasHistory: await categoryHasHistory(dbh, workspaceId, category.id),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type CategorySummary = { id: string; slug: string };

async function create(input: CategoryCreateInput, context: AdminActionContext, database?: Db) {
  const dbh = database ?? (await getDb());
  const result = await dbh.transaction(async (tx) => {
    const locales = await localesOf(tx, context.workspace.id);
    requireDefaultName(input.texts, locales);
    if (await findCategoryBySlug(tx, context.workspace.id, input.slug)) throw slugTaken(input.slug);
    const order = await lockCategoryOrder(tx, context.workspace.id);
    const row = await insertCategory(tx, {
      workspaceId: context.workspace.id,
      slug: input.slug,
      kind: input.kind,
      channels: input.channels,
      frequencies: input.frequencies,
      defaultFrequency: input.defaultFrequency,
      texts: textsToStore(input.texts, locales),
      position: 0,
    });
    // Archived ones keep their place in the sequence; the new one goes after every other.
    await setCategoryPositions(tx, context.workspace.id, [...order.map((c) => c.id), row.id]);
    await recordAudit(tx, {
      workspaceId: context.workspace.id,
      adminId: context.admin.id,
      action: CATEGORY_AUDIT.create,
      target: row.slug,
      detail: {
        kind: row.kind,
        channels: row.channels,
        frequencies: row.frequencies,
        defaultFrequency: row.defaultFrequency,
      },
      ip: context.ip,
    });
    return { id: row.id, slug: row.slug } satisfies CategorySummary;
  });
  clearCategoryCache();
  return result;
}

function slugTaken(slug: string) {
  const message = `This workspace already has a category "${slug}". Choose another slug.`;
  return new DomainError('conflict', message, { errors: [{ path: 'slug', message }] });
}

async function createWithUniqueSlug(
  input: CategoryCreateInput,
  context: AdminActionContext,
  database?: Db,
) {
  try {
    return await create(input, context, database);
  } catch (error) {
    // Two admins creating the same slug at once: the unique index decides.
    if (isUniqueViolation(error)) throw slugTaken(input.slug);
    throw error;
  }
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

async function update(input: CategoryUpdateInput, context: AdminActionContext, database?: Db) {
  const dbh = database ?? (await getDb());
  const result = await dbh.transaction(async (tx) => {
    const locales = await localesOf(tx, context.workspace.id);
    requireDefaultName(input.texts, locales);
    const before = await requireCategory(tx, context.workspace.id, input.categoryId);
    if (
      input.kind !== before.kind &&
      (await categoryHasHistory(tx, context.workspace.id, before.id))
    )
      throw new DomainError(
        'conflict',
        `"${before.slug}" already has subscribers or consent history, so it stays ${before.kind}: changing its kind would change what people agreed to. Create a new ${input.kind} category and archive this one instead.`,
        {
          errors: [
            {
              path: 'kind',
              message: `It stays ${before.kind}: people already have history with this category.`,
            },
          ],
        },
      );
    const texts = textsToStore(input.texts, locales, before.texts);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (input.kind !== before.kind) changes.kind = { from: before.kind, to: input.kind };
    if (!sameList(input.channels, before.channels))
      changes.channels = { from: before.channels, to: input.channels };
    if (!sameList(input.frequencies, before.frequencies))
      changes.frequencies = { from: before.frequencies, to: input.frequencies };
    if (input.defaultFrequency !== before.defaultFrequency)
      changes.defaultFrequency = { from: before.defaultFrequency, to: input.defaultFrequency };
    const changedLocales = [...new Set([...Object.keys(texts), ...Object.keys(before.texts)])]
      .filter((l) => JSON.stringify(texts[l] ?? null) !== JSON.stringify(before.texts[l] ?? null))
      .sort();
    // Saving an unchanged form changes nothing, and so writes nothing (not even to the log).
    if (Object.keys(changes).length === 0 && changedLocales.length === 0)
      return { id: before.id, slug: before.slug, changed: false };
    await updateCategory(tx, context.workspace.id, before.id, {
      kind: input.kind,
      channels: input.channels,
      frequencies: input.frequencies,
      defaultFrequency: input.defaultFrequency,
      texts,
    });
    await recordAudit(tx, {
      workspaceId: context.workspace.id,
      adminId: context.admin.id,
      action: CATEGORY_AUDIT.update,
      target: before.slug,
      detail: { ...changes, ...(changedLocales.length ? { texts: changedLocales } : {}) },
      ip: context.ip,
    });
    return { id: before.id, slug: before.slug, changed: true };
  });
  if (result.changed) clearCategoryCache();
  return result;
}

async function archive(input: CategoryArchiveInput, context: AdminActionContext, database?: Db) {
  const dbh = database ?? (await getDb());
  const result = await dbh.transaction(async (tx) => {
    const before = await requireCategory(tx, context.workspace.id, input.categoryId);
    if ((before.archivedAt !== null) === input.archived)
      return { id: before.id, slug: before.slug, changed: false };
    await updateCategory(tx, context.workspace.id, before.id, {
      archivedAt: input.archived ? new Date() : null,
    });
    await recordAudit(tx, {
      workspaceId: context.workspace.id,
      adminId: context.admin.id,
      action: input.archived ? CATEGORY_AUDIT.archive : CATEGORY_AUDIT.unarchive,
      target: before.slug,
      ip: context.ip,
    });
    return { id: before.id, slug: before.slug, changed: true };
  });
  if (result.changed) clearCategoryCache();
  return result;
}

/**
 * One step up or down among the categories in use (archived ones are listed apart and skipped);
 * then every position is rewritten 1..n, which also mends ties left by older data.
 */
async function move(input: CategoryMoveInput, context: AdminActionContext, database?: Db) {
  const dbh = database ?? (await getDb());
  const result = await dbh.transaction(async (tx) => {
    const target = await requireCategory(tx, context.workspace.id, input.categoryId);
    if (target.archivedAt)
      throw new DomainError('conflict', 'An archived category has no place in the order.');
    const order = (await lockCategoryOrder(tx, context.workspace.id)).map((c) => ({
      id: c.id,
      active: c.archivedAt === null,
    }));
    const from = order.findIndex((c) => c.id === target.id);
    const step = input.direction === 'up' ? -1 : 1;
    let to = from + step;
    while (to >= 0 && to < order.length && !order[to]?.active) to += step;
    if (to < 0 || to >= order.length) return { id: target.id, slug: target.slug, changed: false };
    const [moved] = order.splice(from, 1);
    if (!moved) throw new Error('category vanished from its own order');
    order.splice(to, 0, moved);
    await setCategoryPositions(
      tx,
      context.workspace.id,
      order.map((c) => c.id),
    );
    await recordAudit(tx, {
      workspaceId: context.workspace.id,
      adminId: context.admin.id,
      action: CATEGORY_AUDIT.move,
      target: target.slug,
      detail: { direction: input.direction },
      ip: context.ip,
    });
    return { id: target.id, slug: target.slug, changed: true };
  });
  if (result.changed) clearCategoryCache();
  return result;
}

/** The commands, as `adminAction(command.spec, command.run)` and `runAdminAction` take them. */
export const createCategoryCommand = {
  spec: { schema: categoryCreateSchema, role: 'editor' as const },
  run: (input: CategoryCreateInput, context: AdminActionContext) =>
    createWithUniqueSlug(input, context),
};
export const updateCategoryCommand = {
  spec: { schema: categoryUpdateSchema, role: 'editor' as const },
  run: (input: CategoryUpdateInput, context: AdminActionContext) => update(input, context),
};
export const archiveCategoryCommand = {
  spec: { schema: categoryArchiveSchema, role: 'editor' as const },
  run: (input: CategoryArchiveInput, context: AdminActionContext) => archive(input, context),
};
export const moveCategoryCommand = {
  spec: { schema: categoryMoveSchema, role: 'editor' as const },
  run: (input: CategoryMoveInput, context: AdminActionContext) => move(input, context),
};
