import { and, desc, eq, sql } from 'drizzle-orm';
import { type DbOrTx, queryRows, type Tx } from '../client';
import {
  type Channel,
  type GlobalOptOuts,
  type Import,
  type ImportColumnMapping,
  type ImportStatus,
  importRows,
  imports,
} from '../schema';

/**
 * Reads and writes of CSV imports (domain/imports.ts). Rows go in and come out a page at a time,
 * each page one statement; nothing here loops over rows with a query.
 */

export function insertImport(
  database: DbOrTx,
  values: { workspaceId: string; createdBy: string | null; fileName: string },
) {
  return database
    .insert(imports)
    .values(values)
    .returning({ id: imports.id })
    .then((rows) => rows[0] as { id: string });
}

export type NewImportRow = { row: number; cells: string[]; malformed: string | null };

export async function insertImportRows(database: DbOrTx, importId: string, rows: NewImportRow[]) {
  if (rows.length === 0) return;
  await database.execute(sql`
    insert into import_rows (import_id, row, cells, malformed)
    select ${importId}::uuid, x.row, x.cells, x.malformed
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(row integer, cells jsonb, malformed text)`);
}

export function deleteImport(database: DbOrTx, workspaceId: string, id: string) {
  return database
    .delete(imports)
    .where(and(eq(imports.workspaceId, workspaceId), eq(imports.id, id)));
}

export function updateImport(
  database: DbOrTx,
  workspaceId: string,
  id: string,
  values: Partial<{
    status: ImportStatus;
    header: string[];
    mapping: ImportColumnMapping | null;
    preview: Record<string, unknown> | null;
    totalRows: number;
    lastError: string | null;
    startedAt: Date;
    finishedAt: Date;
  }>,
) {
  return database
    .update(imports)
    .set(values)
    .where(and(eq(imports.workspaceId, workspaceId), eq(imports.id, id)))
    .returning({ id: imports.id })
    .then((rows) => rows[0]);
}

export function findImport(
  database: DbOrTx,
  workspaceId: string,
  id: string,
): Promise<Import | undefined> {
  return database
    .select()
    .from(imports)
    .where(and(eq(imports.workspaceId, workspaceId), eq(imports.id, id)))
    .then((rows) => rows[0]);
}

/** The import's row, locked: one batch at a time, whoever runs it. */
export function lockImport(tx: Tx, id: string): Promise<Import | undefined> {
  return tx
    .select()
    .from(imports)
    .where(eq(imports.id, id))
    .for('update')
    .then((rows) => rows[0]);
}

export function listImports(database: DbOrTx, workspaceId: string, limit: number) {
  return database
    .select({
      id: imports.id,
      fileName: imports.fileName,
      status: imports.status,
      totalRows: imports.totalRows,
      doneRows: imports.doneRows,
      errorCount: imports.errorCount,
      skippedCount: imports.skippedCount,
      createdAt: imports.createdAt,
      finishedAt: imports.finishedAt,
    })
    .from(imports)
    .where(eq(imports.workspaceId, workspaceId))
    .orderBy(desc(imports.createdAt))
    .limit(limit);
}

export type StoredRow = {
  row: number;
  cells: string[];
  malformed: string | null;
  outcome: string | null;
  reason: string | null;
};

/** The rows after `afterRow`, in file order. */
export async function importRowsPage(
  database: DbOrTx,
  input: { importId: string; afterRow: number; limit: number; problemsOnly?: boolean },
): Promise<StoredRow[]> {
  return database
    .select({
      row: importRows.row,
      cells: importRows.cells,
      malformed: importRows.malformed,
      outcome: importRows.outcome,
      reason: importRows.reason,
    })
    .from(importRows)
    .where(
      and(
        eq(importRows.importId, input.importId),
        sql`${importRows.row} > ${input.afterRow}`,
        input.problemsOnly ? sql`${importRows.outcome} in ('skipped', 'error')` : undefined,
      ),
    )
    .orderBy(importRows.row)
    .limit(input.limit);
}

/**
 * Rows whose email, phone or external id an earlier row of the same file already has (compared
 * as stored: emails trimmed and lower-cased, phones without spaces, dots, dashes or brackets):
 * each with the first row that has it. One statement over the whole file.
 */
export async function duplicateRows(
  database: DbOrTx,
  importId: string,
  mapping: Pick<ImportColumnMapping, 'email' | 'phone' | 'externalId'>,
): Promise<{ row: number; field: 'email' | 'phone' | 'externalId'; first: number }[]> {
  const keyed: [field: 'email' | 'phone' | 'externalId', expression: ReturnType<typeof sql>][] = [];
  const cell = (column: number) => sql`btrim(r.cells ->> ${column}::int)`;
  if (mapping.email !== null) keyed.push(['email', sql`lower(${cell(mapping.email)})`]);
  if (mapping.phone !== null)
    keyed.push(['phone', sql`regexp_replace(${cell(mapping.phone)}, '[\s().-]', '', 'g')`]);
  if (mapping.externalId !== null) keyed.push(['externalId', cell(mapping.externalId)]);
  if (keyed.length === 0) return [];
  const parts = keyed.map(
    ([field, expression]) => sql`
      select row, ${field}::text as field,
        min(row) over (partition by ${expression}) as first, ${expression} as key
      from import_rows r where r.import_id = ${importId}`,
  );
  const rows = await queryRows<{ row: number; field: string; first: number }>(
    database,
    sql`select row, min(field) as field, min(first) as first from (${sql.join(parts, sql` union all `)}) k
        where k.key is not null and k.key <> '' and k.first < k.row
        group by row order by row`,
  );
  return rows.map((r) => ({
    row: Number(r.row),
    field: r.field as 'email' | 'phone' | 'externalId',
    first: Number(r.first),
  }));
}

export type RowOutcome = {
  row: number;
  outcome: 'created' | 'updated' | 'unchanged' | 'skipped' | 'error';
  reason: string | null;
};

export async function setRowOutcomes(database: DbOrTx, importId: string, rows: RowOutcome[]) {
  if (rows.length === 0) return;
  await database.execute(sql`
    update import_rows r set outcome = x.outcome, reason = x.reason
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(row integer, outcome text, reason text)
    where r.import_id = ${importId} and r.row = x.row`);
}

export type ImportCounts = {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  error: number;
};

/** Moves the resume point past a committed batch and adds its counts. */
export async function advanceImport(
  tx: Tx,
  id: string,
  input: { doneRows: number; counts: ImportCounts; finished: boolean },
) {
  const c = input.counts;
  await tx
    .update(imports)
    .set({
      doneRows: input.doneRows,
      createdCount: sql`${imports.createdCount} + ${c.created}`,
      updatedCount: sql`${imports.updatedCount} + ${c.updated}`,
      unchangedCount: sql`${imports.unchangedCount} + ${c.unchanged}`,
      skippedCount: sql`${imports.skippedCount} + ${c.skipped}`,
      errorCount: sql`${imports.errorCount} + ${c.error}`,
      lastError: null,
      ...(input.finished ? { status: 'done' as const, finishedAt: new Date() } : {}),
    })
    .where(eq(imports.id, id));
}

/** Once done, only the rows the error report lists keep their values. */
export function deleteAppliedRows(database: DbOrTx, importId: string) {
  return database.execute(sql`
    delete from import_rows
    where import_id = ${importId} and outcome in ('created', 'updated', 'unchanged')`);
}

// --- subscribers, set-based -------------------------------------------------------------------

export type MatchedSubscriber = {
  id: string;
  externalId: string | null;
  email: string | null;
  phone: string | null;
  locale: string | null;
  erasedAt: Date | null;
  globalOptOuts: GlobalOptOuts;
};

/** Every subscriber of the workspace with any of these external ids, emails or phones. */
export async function subscribersByAnyKey(
  database: DbOrTx,
  input: { workspaceId: string; externalIds: string[]; emails: string[]; phones: string[] },
): Promise<MatchedSubscriber[]> {
  if (input.externalIds.length + input.emails.length + input.phones.length === 0) return [];
  const array = (values: string[]) => sql`${`{${values.map(quote).join(',')}}`}::text[]`;
  const rows = await queryRows<{
    id: string;
    external_id: string | null;
    email: string | null;
    phone: string | null;
    locale: string | null;
    erased_at: string | Date | null;
    global_opt_outs: GlobalOptOuts;
  }>(
    database,
    sql`
    select id, external_id, email, phone, locale, erased_at, global_opt_outs from subscribers
    where workspace_id = ${input.workspaceId}
      and (external_id = any(${array(input.externalIds)}) or email = any(${array(input.emails)})
        or phone = any(${array(input.phones)}))`,
  );
  return rows.map((r) => ({
    id: r.id,
    externalId: r.external_id,
    email: r.email,
    phone: r.phone,
    locale: r.locale,
    erasedAt: r.erased_at === null ? null : new Date(r.erased_at),
    globalOptOuts: r.global_opt_outs ?? {},
  }));
}

/** A text[] literal element: always quoted, backslashes and quotes escaped. */
function quote(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

export type NewSubscriberKeys = {
  key: number;
  externalId: string | null;
  email: string | null;
  phone: string | null;
  locale: string | null;
};

/**
 * Inserts new subscribers in one statement; a row whose keys another transaction took first is
 * left out of the answer (the caller reports it). Answers `key` (the caller's row) with the id.
 */
export async function insertSubscribers(
  tx: DbOrTx,
  workspaceId: string,
  rows: NewSubscriberKeys[],
): Promise<{ key: number; id: string }[]> {
  if (rows.length === 0) return [];
  const result = await queryRows<{
    id: string;
    external_id: string | null;
    email: string | null;
    phone: string | null;
  }>(
    tx,
    sql`
    insert into subscribers (workspace_id, external_id, email, phone, locale)
    select ${workspaceId}::uuid, x."externalId", x.email, x.phone, x.locale
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
      key integer, "externalId" text, email text, phone text, locale text)
    order by x.key
    on conflict do nothing
    returning id, external_id, email, phone`,
  );
  const byKeys = new Map(result.map((r) => [`${r.external_id}|${r.email}|${r.phone}`, r.id]));
  const out: { key: number; id: string }[] = [];
  for (const row of rows) {
    const id = byKeys.get(`${row.externalId}|${row.email}|${row.phone}`);
    if (id) out.push({ key: row.key, id });
  }
  return out;
}

/** Fills identifiers a subscriber does not have yet; never overwrites one it has. */
export async function fillSubscriberKeys(
  tx: DbOrTx,
  workspaceId: string,
  rows: {
    id: string;
    externalId: string | null;
    email: string | null;
    phone: string | null;
    locale: string | null;
  }[],
) {
  if (rows.length === 0) return;
  await tx.execute(sql`
    update subscribers s set
      external_id = coalesce(s.external_id, x."externalId"),
      email = coalesce(s.email, x.email),
      phone = coalesce(s.phone, x.phone),
      locale = coalesce(x.locale, s.locale)
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
      id uuid, "externalId" text, email text, phone text, locale text)
    where s.id = x.id and s.workspace_id = ${workspaceId} and s.erased_at is null
      and (s.external_id is null and x."externalId" is not null
        or s.email is null and x.email is not null
        or s.phone is null and x.phone is not null
        or x.locale is not null and x.locale is distinct from s.locale)`);
}

export type CurrentSubscription = {
  subscriberId: string;
  categoryId: string;
  channel: Channel;
  status: 'none' | 'subscribed' | 'unsubscribed' | 'pending';
  frequency: 'instant' | 'daily' | 'weekly' | 'monthly' | null;
  ownOptOut: boolean;
};

/**
 * Personal data kept no longer than needed: the rows of imports finished before `finishedBefore`
 * (their error report goes with them), and imports uploaded but never started before
 * `uploadedBefore`, whole.
 */
export async function deleteStaleImports(
  database: DbOrTx,
  input: { workspaceId: string; finishedBefore: Date; uploadedBefore: Date },
) {
  await database.execute(sql`
    delete from import_rows r using imports i
    where r.import_id = i.id and i.workspace_id = ${input.workspaceId}
      and i.finished_at < ${input.finishedBefore.toISOString()}::timestamptz`);
  await database.execute(sql`
    delete from imports
    where workspace_id = ${input.workspaceId} and status in ('uploading', 'uploaded')
      and created_at < ${input.uploadedBefore.toISOString()}::timestamptz`);
}
