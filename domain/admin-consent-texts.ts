import { type Db, type DbOrTx, db as getDb } from '@/db/client';
import {
  consentTextExists,
  consentTextVersions,
  insertNextConsentTextVersion,
  latestConsentTextVersion,
  latestConsentTextVersions,
} from '@/db/queries/consent-texts';
import { findWorkspaceById } from '@/db/queries/workspaces';
import type { AdminActionContext } from './admin-actions';
import { type WorkspaceLocales, workspaceLocales } from './admin-categories';
import {
  type ConsentTextVersionInput,
  consentTextVersionSchema,
} from './admin-consent-text-validation';
import { recordAudit } from './audit';
import { DomainError } from './errors';
import { LOCALE_NAMES } from './i18n';
import { isUniqueViolation } from './subscribers';

/**
 * Consent texts as the admin console writes them (issue 7, item 4): the wording shown at opt-in,
 * per key and locale, in numbered versions. A version is never updated or deleted: consent
 * events name the version people agreed to, so a regulator can read it years later. A change is
 * always a new row, version = the previous one in that key and locale + 1, written with its
 * audit entry (which also says who wrote it) in one transaction.
 */

export const CONSENT_TEXT_AUDIT = {
  create: 'consent_text.create',
  version: 'consent_text.version',
} as const;

async function localesOf(database: DbOrTx, id: string) {
  const workspace = await findWorkspaceById(database, id);
  if (!workspace) throw new DomainError('not_found', 'No such workspace.');
  return workspaceLocales(workspace.settings);
}

export type ConsentTextLocaleSummary = {
  locale: string;
  version: number;
  createdAt: Date;
  writtenBy: string | null;
};
export type ConsentTextSummary = { key: string; locales: ConsentTextLocaleSummary[] };

/** What the list shows: every text (by key) with the current version of each of its locales. */
export async function consentTextsForAdmin(
  workspaceId: string,
  database?: DbOrTx,
): Promise<{ locales: WorkspaceLocales; texts: ConsentTextSummary[] }> {
  const dbh = database ?? (await getDb());
  const [locales, rows] = await Promise.all([
    localesOf(dbh, workspaceId),
    latestConsentTextVersions(dbh, workspaceId),
  ]);
  const byKey = new Map<string, ConsentTextLocaleSummary[]>();
  for (const { key, ...row } of rows) {
    const list = byKey.get(key) ?? [];
    list.push(row);
    byKey.set(key, list);
  }
  const order = (locale: string) => {
    const i = (locales.locales as string[]).indexOf(locale);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  return {
    locales,
    texts: [...byKey].map(([key, list]) => ({
      key,
      locales: list.sort(
        (a, b) => order(a.locale) - order(b.locale) || a.locale.localeCompare(b.locale),
      ),
    })),
  };
}

export type ConsentTextVersion = Awaited<ReturnType<typeof consentTextVersions>>[number];

/**
 * One text's every version, grouped by locale (the workspace's order, then any it no longer
 * offers), newest first; undefined when the workspace has no text with this key.
 */
export async function consentTextForAdmin(workspaceId: string, key: string, database?: DbOrTx) {
  const dbh = database ?? (await getDb());
  const [locales, rows] = await Promise.all([
    localesOf(dbh, workspaceId),
    consentTextVersions(dbh, workspaceId, key),
  ]);
  if (rows.length === 0) return undefined;
  const byLocale = new Map<string, ConsentTextVersion[]>();
  for (const locale of locales.locales) byLocale.set(locale, []);
  for (const row of rows) byLocale.set(row.locale, [...(byLocale.get(row.locale) ?? []), row]);
  return {
    key,
    locales,
    byLocale: [...byLocale]
      .filter(([, versions]) => versions.length > 0)
      .map(([locale, versions]) => ({ locale, versions })),
  };
}

export type WrittenVersion = { key: string; locale: string; version: number };

async function write(
  mode: 'create' | 'version',
  input: ConsentTextVersionInput,
  context: AdminActionContext,
  database?: Db,
): Promise<WrittenVersion> {
  const dbh = database ?? (await getDb());
  return dbh.transaction(async (tx) => {
    const workspaceId = context.workspace.id;
    const locales = await localesOf(tx, workspaceId);
    if (!locales.locales.includes(input.locale)) {
      const message = `This workspace does not offer ${LOCALE_NAMES[input.locale]}. Add it in the settings first, or choose one of its languages.`;
      throw new DomainError('validation', message, { errors: [{ path: 'locale', message }] });
    }
    const exists = await consentTextExists(tx, workspaceId, input.key);
    if (mode === 'create' && exists) {
      const message = `This workspace already has a consent text "${input.key}". Write a new version of it on its page, or choose another key.`;
      throw new DomainError('conflict', message, { errors: [{ path: 'key', message }] });
    }
    if (mode === 'version' && !exists)
      throw new DomainError('not_found', 'No such consent text in this workspace.');
    const previous = await latestConsentTextVersion(tx, workspaceId, input.key, input.locale);
    if (previous && previous.body === input.body) {
      const message = `This is the wording of version ${previous.version} already: change it to write a new version.`;
      throw new DomainError('validation', message, { errors: [{ path: 'body', message }] });
    }
    const row = await insertNextConsentTextVersion(tx, {
      workspaceId,
      key: input.key,
      locale: input.locale,
      body: input.body,
    });
    await recordAudit(tx, {
      workspaceId,
      adminId: context.admin.id,
      action: mode === 'create' ? CONSENT_TEXT_AUDIT.create : CONSENT_TEXT_AUDIT.version,
      target: input.key,
      detail: { locale: input.locale, version: row.version, length: input.body.length },
      ip: context.ip,
    });
    return { key: input.key, locale: input.locale, version: row.version };
  });
}

/**
 * Two saves of the same text and locale at once both read the same highest version; the unique
 * index lets one commit and refuses the other, which then runs again in a new transaction and
 * takes the next number. A few tries are plenty: each loser waits only for one winner's commit.
 */
async function writeSerialized(
  mode: 'create' | 'version',
  input: ConsentTextVersionInput,
  context: AdminActionContext,
  database?: Db,
) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write(mode, input, context, database);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (attempt >= 5)
        throw new DomainError('conflict', 'Others are writing this text right now. Try again.');
    }
  }
}

/** The commands, as `adminAction(command.spec, command.run)` and `runAdminAction` take them. */
export const createConsentTextCommand = {
  spec: { schema: consentTextVersionSchema, role: 'editor' as const },
  run: (input: ConsentTextVersionInput, context: AdminActionContext) =>
    writeSerialized('create', input, context),
};
export const writeConsentTextVersionCommand = {
  spec: { schema: consentTextVersionSchema, role: 'editor' as const },
  run: (input: ConsentTextVersionInput, context: AdminActionContext) =>
    writeSerialized('version', input, context),
};
