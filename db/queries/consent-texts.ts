import { and, asc, desc, eq, inArray, max, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { admins, auditLog, consentTexts } from '../schema';

/**
 * The admin console's consent text queries, each scoped to a workspace. Consent texts are only
 * ever inserted: a version, once written, is never updated or deleted (consent events point at
 * it). Who wrote a version is not a column of the table; the audit entry written in the same
 * transaction says it (action, target = key, detail = locale and version), so it is joined in.
 */

const WRITTEN_ACTIONS = ['consent_text.create', 'consent_text.version'];

const author = {
  writtenBy: admins.email,
};

function joinAuthor() {
  return and(
    eq(auditLog.workspaceId, consentTexts.workspaceId),
    inArray(auditLog.action, WRITTEN_ACTIONS),
    eq(auditLog.target, consentTexts.key),
    sql`${auditLog.detail}->>'locale' = ${consentTexts.locale}`,
    sql`${auditLog.detail}->>'version' = ${consentTexts.version}::text`,
  );
}

/** The newest version of every consent text in every locale, with how many versions it has. */
export function latestConsentTextVersions(database: DbOrTx, workspaceId: string) {
  return database
    .selectDistinctOn([consentTexts.key, consentTexts.locale], {
      key: consentTexts.key,
      locale: consentTexts.locale,
      version: consentTexts.version,
      createdAt: consentTexts.createdAt,
      ...author,
    })
    .from(consentTexts)
    .leftJoin(auditLog, joinAuthor())
    .leftJoin(admins, eq(admins.id, auditLog.adminId))
    .where(eq(consentTexts.workspaceId, workspaceId))
    .orderBy(asc(consentTexts.key), asc(consentTexts.locale), desc(consentTexts.version));
}

/** Every version of one consent text, every locale, newest first within a locale. */
export function consentTextVersions(database: DbOrTx, workspaceId: string, key: string) {
  return database
    .select({
      id: consentTexts.id,
      locale: consentTexts.locale,
      version: consentTexts.version,
      body: consentTexts.body,
      createdAt: consentTexts.createdAt,
      ...author,
    })
    .from(consentTexts)
    .leftJoin(auditLog, joinAuthor())
    .leftJoin(admins, eq(admins.id, auditLog.adminId))
    .where(and(eq(consentTexts.workspaceId, workspaceId), eq(consentTexts.key, key)))
    .orderBy(asc(consentTexts.locale), desc(consentTexts.version));
}

export function consentTextExists(database: DbOrTx, workspaceId: string, key: string) {
  return database
    .select({ id: consentTexts.id })
    .from(consentTexts)
    .where(and(eq(consentTexts.workspaceId, workspaceId), eq(consentTexts.key, key)))
    .limit(1)
    .then((rows) => rows.length > 0);
}

/** The newest version of one text in one locale (number and wording), if any. */
export function latestConsentTextVersion(
  database: DbOrTx,
  workspaceId: string,
  key: string,
  locale: string,
) {
  return database
    .select({ version: consentTexts.version, body: consentTexts.body })
    .from(consentTexts)
    .where(
      and(
        eq(consentTexts.workspaceId, workspaceId),
        eq(consentTexts.key, key),
        eq(consentTexts.locale, locale),
      ),
    )
    .orderBy(desc(consentTexts.version))
    .limit(1)
    .then((rows) => rows[0]);
}

/**
 * Inserts the next version (the highest so far + 1, computed in the same statement). Two writers
 * at once may compute the same number: the unique index on (workspace, key, locale, version)
 * refuses the second, and the caller retries in a new transaction.
 */
export async function insertNextConsentTextVersion(
  database: DbOrTx,
  values: { workspaceId: string; key: string; locale: string; body: string },
) {
  const next = database
    .select({ next: sql<number>`coalesce(${max(consentTexts.version)}, 0) + 1` })
    .from(consentTexts)
    .where(
      and(
        eq(consentTexts.workspaceId, values.workspaceId),
        eq(consentTexts.key, values.key),
        eq(consentTexts.locale, values.locale),
      ),
    );
  const [row] = await database
    .insert(consentTexts)
    .values({ ...values, version: sql`(${next})` })
    .returning({
      id: consentTexts.id,
      version: consentTexts.version,
      createdAt: consentTexts.createdAt,
    });
  if (!row) throw new Error('insert into consent_texts returned nothing');
  return row;
}
