import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { categories, consentEvents, type NewCategory, subscriptions } from '../schema';

/** The admin console's category queries; every one is scoped to a workspace. */

export function findCategory(database: DbOrTx, workspaceId: string, id: string) {
  return database
    .select()
    .from(categories)
    .where(and(eq(categories.workspaceId, workspaceId), eq(categories.id, id)))
    .limit(1)
    .then((rows) => rows[0]);
}

export function findCategoryBySlug(database: DbOrTx, workspaceId: string, slug: string) {
  return database
    .select({ id: categories.id })
    .from(categories)
    .where(and(eq(categories.workspaceId, workspaceId), eq(categories.slug, slug)))
    .limit(1)
    .then((rows) => rows[0]);
}

/**
 * The workspace's categories in their order, rows locked: whoever changes the order (or adds
 * one at the end) waits for the other, so two admins never hand out the same position.
 */
export function lockCategoryOrder(database: DbOrTx, workspaceId: string) {
  return database
    .select({ id: categories.id, archivedAt: categories.archivedAt })
    .from(categories)
    .where(eq(categories.workspaceId, workspaceId))
    .orderBy(asc(categories.position), asc(categories.slug))
    .for('update');
}

export async function insertCategory(database: DbOrTx, values: NewCategory) {
  const [row] = await database.insert(categories).values(values).returning();
  if (!row) throw new Error('insert into categories returned nothing');
  return row;
}

export async function updateCategory(
  database: DbOrTx,
  workspaceId: string,
  id: string,
  values: Partial<
    Pick<
      NewCategory,
      'kind' | 'texts' | 'channels' | 'frequencies' | 'defaultFrequency' | 'archivedAt'
    >
  >,
) {
  const [row] = await database
    .update(categories)
    .set(values)
    .where(and(eq(categories.workspaceId, workspaceId), eq(categories.id, id)))
    .returning();
  return row;
}

/** Positions 1..n in the order of `ids`, in one statement. Ids are uuids (no quoting needed). */
export function setCategoryPositions(database: DbOrTx, workspaceId: string, ids: string[]) {
  if (ids.length === 0) return Promise.resolve();
  const idArray = `{${ids.join(',')}}`;
  return database
    .execute(sql`
      update ${categories} set position = o.ord
      from unnest(${idArray}::uuid[]) with ordinality as o(id, ord)
      where ${categories.id} = o.id and ${categories.workspaceId} = ${workspaceId}`)
    .then(() => undefined);
}

/** Whether anyone ever had a subscription or a consent event for this category. */
export async function categoryHasHistory(database: DbOrTx, workspaceId: string, id: string) {
  const result = await database.execute(sql`
    select (
      exists (select 1 from ${consentEvents}
              where ${consentEvents.workspaceId} = ${workspaceId}
                and ${consentEvents.categoryId} = ${id})
      or exists (select 1 from ${subscriptions}
                 where ${subscriptions.workspaceId} = ${workspaceId}
                   and ${subscriptions.categoryId} = ${id})
    ) as has_history`);
  const rows = (result as { rows?: { has_history: boolean }[] }).rows ?? [];
  return rows[0]?.has_history === true;
}
