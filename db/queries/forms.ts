import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { categories, consentTexts, forms, subscriptions, workspaces } from '../schema';

export function findFormBySlugs(database: DbOrTx, workspaceSlug: string, formSlug: string) {
  return database
    .select({ form: forms, workspace: workspaces })
    .from(forms)
    .innerJoin(workspaces, eq(workspaces.id, forms.workspaceId))
    .where(and(eq(workspaces.slug, workspaceSlug), eq(forms.slug, formSlug)))
    .limit(1)
    .then((rows) => rows[0]);
}

/** The newest version of a consent text in each locale. */
export async function latestConsentTexts(database: DbOrTx, workspaceId: string, key: string) {
  const rows = await database
    .select({
      id: consentTexts.id,
      locale: consentTexts.locale,
      version: consentTexts.version,
      body: consentTexts.body,
    })
    .from(consentTexts)
    .where(and(eq(consentTexts.workspaceId, workspaceId), eq(consentTexts.key, key)))
    .orderBy(desc(consentTexts.version));
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) if (!latest.has(row.locale)) latest.set(row.locale, row);
  return latest;
}

export function categoriesBySlugs(database: DbOrTx, workspaceId: string, slugs: string[]) {
  if (slugs.length === 0) return Promise.resolve([]);
  return database
    .select()
    .from(categories)
    .where(and(eq(categories.workspaceId, workspaceId), inArray(categories.slug, slugs)));
}

/** Pending consents last changed before the cutoff, a bounded batch at a time. */
export function stalePending(database: DbOrTx, cutoff: Date, workspaceId?: string, limit = 1000) {
  return database
    .select({
      workspaceId: subscriptions.workspaceId,
      subscriberId: subscriptions.subscriberId,
      categoryId: subscriptions.categoryId,
      channel: subscriptions.channel,
    })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.status, 'pending'),
        lt(subscriptions.updatedAt, cutoff),
        workspaceId ? eq(subscriptions.workspaceId, workspaceId) : undefined,
      ),
    )
    .limit(limit);
}
