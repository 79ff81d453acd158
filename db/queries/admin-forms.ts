import { and, asc, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { consentTexts, forms } from '../schema';

/** The admin console's form queries, each scoped to a workspace. */

export function listForms(database: DbOrTx, workspaceId: string) {
  return database
    .select()
    .from(forms)
    .where(eq(forms.workspaceId, workspaceId))
    .orderBy(asc(forms.name), asc(forms.slug));
}

export function findFormBySlug(database: DbOrTx, workspaceId: string, slug: string) {
  return database
    .select()
    .from(forms)
    .where(and(eq(forms.workspaceId, workspaceId), eq(forms.slug, slug)))
    .limit(1)
    .then((rows) => rows[0]);
}

/** The form with this id in this workspace, locked until the transaction ends (edits queue). */
export function lockForm(database: DbOrTx, workspaceId: string, id: string) {
  return database
    .select()
    .from(forms)
    .where(and(eq(forms.workspaceId, workspaceId), eq(forms.id, id)))
    .for('update')
    .limit(1)
    .then((rows) => rows[0]);
}

export async function insertForm(database: DbOrTx, values: typeof forms.$inferInsert) {
  const [row] = await database.insert(forms).values(values).returning();
  if (!row) throw new Error('insert into forms returned nothing');
  return row;
}

export function updateForm(
  database: DbOrTx,
  workspaceId: string,
  id: string,
  values: Partial<
    Pick<
      typeof forms.$inferInsert,
      | 'name'
      | 'fields'
      | 'channels'
      | 'categorySlugs'
      | 'consentTextKey'
      | 'doubleOptIn'
      | 'allowedOrigins'
      | 'theme'
      | 'successMessage'
    >
  >,
) {
  return database
    .update(forms)
    .set(values)
    .where(and(eq(forms.workspaceId, workspaceId), eq(forms.id, id)));
}

/** The current version of every consent text in every locale, with its wording. */
export function currentConsentTexts(database: DbOrTx, workspaceId: string) {
  return database
    .selectDistinctOn([consentTexts.key, consentTexts.locale], {
      key: consentTexts.key,
      locale: consentTexts.locale,
      version: consentTexts.version,
      body: consentTexts.body,
    })
    .from(consentTexts)
    .where(eq(consentTexts.workspaceId, workspaceId))
    .orderBy(asc(consentTexts.key), asc(consentTexts.locale), desc(consentTexts.version));
}
