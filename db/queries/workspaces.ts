import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import {
  categories,
  consentTexts,
  forms,
  type NewCategory,
  type NewWorkspace,
  workspaces,
} from '../schema';

export async function findWorkspaceBySlug(database: DbOrTx, slug: string) {
  const [row] = await database.select().from(workspaces).where(eq(workspaces.slug, slug)).limit(1);
  return row;
}

export async function findWorkspaceById(database: DbOrTx, id: string) {
  const [row] = await database.select().from(workspaces).where(eq(workspaces.id, id)).limit(1);
  return row;
}

export async function insertWorkspace(database: DbOrTx, values: NewWorkspace) {
  const [row] = await database.insert(workspaces).values(values).returning();
  if (!row) throw new Error('insert into workspaces returned nothing');
  return row;
}

export async function updateWorkspace(
  database: DbOrTx,
  id: string,
  values: Partial<Pick<NewWorkspace, 'name' | 'settings' | 'twilioAuthToken' | 'smsNumber'>>,
) {
  const [row] = await database
    .update(workspaces)
    .set(values)
    .where(eq(workspaces.id, id))
    .returning();
  return row;
}

export function upsertCategories(database: DbOrTx, rows: NewCategory[]) {
  return database
    .insert(categories)
    .values(rows)
    .onConflictDoNothing({ target: [categories.workspaceId, categories.slug] })
    .returning({ id: categories.id, slug: categories.slug });
}

export function insertConsentTexts(database: DbOrTx, rows: (typeof consentTexts.$inferInsert)[]) {
  return database.insert(consentTexts).values(rows).onConflictDoNothing();
}

export function insertForms(database: DbOrTx, rows: (typeof forms.$inferInsert)[]) {
  return database.insert(forms).values(rows).onConflictDoNothing();
}

export function listCategories(database: DbOrTx, workspaceId: string) {
  return database
    .select()
    .from(categories)
    .where(eq(categories.workspaceId, workspaceId))
    .orderBy(categories.position, categories.slug);
}
