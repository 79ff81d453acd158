import { z } from 'zod';
import { type Db, type DbOrTx, dbKind, db as getDb } from '@/db/client';
import { loadCategories, loadSubscriptions } from '@/db/queries/consent';
import {
  advanceImport,
  deleteAppliedRows,
  deleteImport,
  deleteStaleImports,
  duplicateRows,
  fillSubscriberKeys,
  findImport,
  type ImportCounts,
  importRowsPage,
  insertImport,
  insertImportRows,
  insertSubscribers,
  listImports,
  lockImport,
  type MatchedSubscriber,
  type NewImportRow,
  type RowOutcome,
  type StoredRow,
  setRowOutcomes,
  subscribersByAnyKey,
  updateImport,
} from '@/db/queries/imports';
import { insertJobs } from '@/db/queries/outbox';
import { findSuppressions } from '@/db/queries/suppressions';
import type { Channel, Import, ImportColumnMapping } from '@/db/schema';
import type { AdminActionContext } from './admin-actions';
import { CHANNEL_LABELS } from './admin-category-validation';
import { recordAudit } from './audit';
import { applyConsent, type ConsentItem, categoryIndex } from './consent';
import { DomainError } from './errors';
import {
  consentValue,
  csvRecords,
  decodeUtf8,
  type ImportMappingInput,
  importMappingSchema,
  type MappableCategory,
  suggestMapping,
} from './import-csv';
import { emptyState, NOT_OPTED_OUT, type SubscriberState, subscriptionKey } from './ledger';
import { type Job, registerJobHandler } from './outbox';
import { emailSchema, externalIdSchema, localeSchema, phoneSchema } from './subscribers';
import { suppressionChannel, suppressionHash } from './suppression';
import { type CategoryInfo, type ConsentChange, computeTransitions } from './transitions';

/**
 * CSV imports of existing subscribers and their consents (issue 7, item 8), through the one door
 * (DESIGN.md rules 1, 3 and 7):
 *
 * 1. Upload: the file is streamed into `import_rows` a page at a time (never held whole).
 * 2. Mapping and dry run: which column holds the email, phone, external id, locale, and one column
 *    per category x channel (`subscribed` / `unsubscribed` / blank). The dry run classifies every
 *    row exactly as the import will, without writing.
 * 3. Start: an outbox job applies the rows in batches of IMPORT_BATCH subscribers, each batch one
 *    transaction that also moves the resume point (`done_rows`): a retried or duplicated job
 *    carries on after the last committed batch and never applies a row twice.
 *
 * The one door's rules, row by row: a person who opted out themselves, was erased, or whose
 * address is on the suppression list is skipped and left untouched; a malformed email or phone
 * is an error; a row never creates a second subscriber for someone who exists (matched by
 * external id, email or phone), and rows of the same file that share an identifier are applied
 * once (the first).
 */

export const IMPORT_BATCH = 1_000;
/** Upload bounds: well above the 50 MB / 500,000 rows the console promises. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 1_000_000;
export const IMPORT_JOB = 'import.run';
const UPLOAD_PAGE = 2_000;
/** How long a finished import keeps its error report's rows (personal data), in days. */
export const ERROR_REPORT_DAYS = 30;
/** How long an upload that was never started is kept, in days. */
export const UNSTARTED_UPLOAD_DAYS = 7;
const PREVIEW_PAGE = 5_000;
const SAMPLE_ROWS = 10;
const PROBLEM_SAMPLES = 100;

// --- upload -----------------------------------------------------------------------------------

export type UploadResult =
  | { ok: true; importId: string; totalRows: number }
  | { ok: false; status: 400 | 413; message: string };

/** Reads the file as it arrives; rows go to the database a page at a time. */
export async function receiveUpload(
  input: {
    workspaceId: string;
    adminId: string | null;
    fileName: string;
    body: AsyncIterable<Uint8Array>;
    maxBytes?: number;
    maxRows?: number;
  },
  database?: Db,
): Promise<UploadResult> {
  const dbh = database ?? (await getDb());
  const maxBytes = input.maxBytes ?? MAX_UPLOAD_BYTES;
  const maxRows = input.maxRows ?? MAX_IMPORT_ROWS;
  const fileName = cleanFileName(input.fileName);
  const day = 24 * 3_600_000;
  await deleteStaleImports(dbh, {
    workspaceId: input.workspaceId,
    finishedBefore: new Date(Date.now() - ERROR_REPORT_DAYS * day),
    uploadedBefore: new Date(Date.now() - UNSTARTED_UPLOAD_DAYS * day),
  });
  const { id } = await insertImport(dbh, {
    workspaceId: input.workspaceId,
    createdBy: input.adminId,
    fileName,
  });
  let bytes = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of input.body) {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) throw new UploadRefused(413, tooLargeMessage(maxBytes));
      yield chunk;
    }
  }
  try {
    let header: string[] | null = null;
    let page: NewImportRow[] = [];
    let total = 0;
    for await (const record of csvRecords(decodeUtf8(counted()))) {
      if (header === null) {
        header = record.cells.map((c) => c.trim());
        if (record.malformed || header.every((c) => c === ''))
          throw new UploadRefused(400, 'The first row must name the columns (email, phone, ...).');
        continue;
      }
      total += 1;
      if (total > maxRows)
        throw new UploadRefused(
          413,
          `A file may have at most ${maxRows.toLocaleString('en')} rows.`,
        );
      page.push({ row: record.row, cells: record.cells, malformed: record.malformed ?? null });
      if (page.length >= UPLOAD_PAGE) {
        await insertImportRows(dbh, id, page);
        page = [];
      }
    }
    await insertImportRows(dbh, id, page);
    if (header === null) throw new UploadRefused(400, 'The file is empty.');
    if (total === 0) throw new UploadRefused(400, 'The file has a header row but no subscribers.');
    const categories = await mappableCategories(input.workspaceId, dbh);
    const mapping = suggestMapping(header, categories);
    await updateImport(dbh, input.workspaceId, id, {
      status: 'uploaded',
      header,
      totalRows: total,
      mapping,
    });
    if (hasIdentifier(mapping)) await previewImport(input.workspaceId, id, mapping, dbh);
    return { ok: true, importId: id, totalRows: total };
  } catch (error) {
    await deleteImport(dbh, input.workspaceId, id);
    if (error instanceof UploadRefused)
      return { ok: false, status: error.status, message: error.message };
    throw error;
  }
}

class UploadRefused extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

function tooLargeMessage(maxBytes: number) {
  return `The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB; split it into smaller files.`;
}

function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = [...base]
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f)
    .join('')
    .trim()
    .slice(0, 200);
  return clean || 'upload.csv';
}

/** Marketing categories that are not archived, with their channels: what a column can map to. */
export async function mappableCategories(
  workspaceId: string,
  database?: DbOrTx,
): Promise<MappableCategory[]> {
  const dbh = database ?? (await getDb());
  const rows = await loadCategories(dbh, workspaceId);
  return rows
    .filter((c) => c.kind === 'marketing' && c.archivedAt === null)
    .map((c) => ({ slug: c.slug, channels: c.channels }));
}

function hasIdentifier(m: ImportColumnMapping): boolean {
  return m.email !== null || m.phone !== null || m.externalId !== null;
}

// --- mapping ----------------------------------------------------------------------------------

/** The form's values to the stored mapping, checked against the file and the categories. */
export function toColumnMapping(
  input: z.output<typeof importMappingSchema>,
  header: string[],
  categories: MappableCategory[],
): ImportColumnMapping {
  const column = (value: string, path: string): number | null => {
    if (value === '') return null;
    const n = Number(value);
    if (n >= header.length)
      throw new DomainError('validation', 'That column is not in the file.', {
        errors: [{ path, message: 'That column is not in the file.' }],
      });
    return n;
  };
  const consents: ImportColumnMapping['consents'] = [];
  input.consents.forEach((c, i) => {
    const n = column(c.column, `consents.${i}.column`);
    if (n === null) return;
    const [slug, channel] = c.key.split(':') as [string, Channel];
    if (!categories.some((cat) => cat.slug === slug && cat.channels.includes(channel)))
      throw new DomainError('validation', `There is no marketing category ${slug} on ${channel}.`);
    consents.push({ column: n, category: slug, channel });
  });
  return {
    email: column(input.email, 'email'),
    phone: column(input.phone, 'phone'),
    externalId: column(input.externalId, 'externalId'),
    locale: column(input.locale, 'locale'),
    consents,
  };
}

/** The stored mapping as the form's values. */
export function mappingFormValues(
  importId: string,
  mapping: ImportColumnMapping | null,
  categories: MappableCategory[],
): ImportMappingInput {
  const ref = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));
  return {
    importId,
    email: ref(mapping?.email),
    phone: ref(mapping?.phone),
    externalId: ref(mapping?.externalId),
    locale: ref(mapping?.locale),
    consents: categories.flatMap((c) =>
      c.channels.map((channel) => ({
        key: `${c.slug}:${channel}`,
        column: ref(
          mapping?.consents.find((m) => m.category === c.slug && m.channel === channel)?.column,
        ),
      })),
    ),
  };
}

// --- reading one row --------------------------------------------------------------------------

export type RowKeys = {
  externalId: string | null;
  email: string | null;
  phone: string | null;
  locale: string | null;
};
export type RowChange = {
  category: string;
  channel: Channel;
  status: 'subscribed' | 'unsubscribed';
};
export type ParsedRow =
  | { ok: true; keys: RowKeys; changes: RowChange[] }
  | { ok: false; reason: string };

/** One row's values against the mapping: its identifiers and consent changes, or why not. */
export function parseRow(
  record: { cells: string[]; malformed?: string | null },
  mapping: ImportColumnMapping,
  columns: number,
): ParsedRow {
  if (record.malformed) return { ok: false, reason: record.malformed };
  if (record.cells.length > columns)
    return {
      ok: false,
      reason: `The row has ${record.cells.length} values but the header names ${columns} columns.`,
    };
  const cell = (n: number | null) => (n === null ? '' : (record.cells[n] ?? '').trim());
  const keys: RowKeys = { externalId: null, email: null, phone: null, locale: null };
  const email = cell(mapping.email);
  if (email) {
    const parsed = emailSchema.safeParse(email);
    if (!parsed.success) return { ok: false, reason: `“${email}” is not a valid email address.` };
    keys.email = parsed.data;
  }
  const phone = cell(mapping.phone);
  if (phone) {
    const parsed = phoneSchema.safeParse(phone);
    if (!parsed.success)
      return {
        ok: false,
        reason: `“${phone}” is not a phone number in international format (like +14155550100).`,
      };
    keys.phone = parsed.data;
  }
  const externalId = cell(mapping.externalId);
  if (externalId) {
    const parsed = externalIdSchema.safeParse(externalId);
    if (!parsed.success)
      return { ok: false, reason: 'The external id is longer than 200 characters.' };
    keys.externalId = parsed.data;
  }
  const locale = cell(mapping.locale);
  if (locale) {
    const parsed = localeSchema.safeParse(locale);
    if (!parsed.success)
      return { ok: false, reason: `“${locale}” is not a language tag (like en or es-MX).` };
    keys.locale = parsed.data;
  }
  if (!keys.email && !keys.phone && !keys.externalId)
    return { ok: false, reason: 'The row has no email, phone or external id.' };
  const changes: RowChange[] = [];
  for (const c of mapping.consents) {
    const value = consentValue(cell(c.column));
    if (value === 'invalid')
      return {
        ok: false,
        reason: `“${cell(c.column)}” for ${c.category} by ${CHANNEL_LABELS[c.channel]} is not a consent; use subscribed, unsubscribed or leave it blank.`,
      };
    if (value) changes.push({ category: c.category, channel: c.channel, status: value });
  }
  return { ok: true, keys, changes };
}

// --- classifying a page of rows -------------------------------------------------------------

export type RowPlan =
  | { row: number; kind: 'error' | 'skipped'; reason: string; why?: SkipWhy }
  | {
      row: number;
      kind: 'apply';
      keys: RowKeys;
      changes: RowChange[];
      /** The existing subscriber the row is about; null: a new one. */
      subscriberId: string | null;
      /** Whether the row changes consent (the dry run's answer; the import asks the one door). */
      changesConsent: boolean;
    };

export type SkipWhy = 'opted_out' | 'suppressed' | 'duplicate';

const SKIP_WORDS = {
  erased:
    'This person asked to be erased; an import never adds them back, so the row was left out.',
  suppressed:
    'This address is on the suppression list (an erased person, a hard bounce or a spam complaint); an import never adds it back.',
  ownOptOut: (what: string) =>
    `This person opted out of ${what} themselves; only they can opt back in, so the row was left untouched.`,
  duplicate: (field: string, first: number) =>
    `The same ${field} as row ${first}, which is imported instead.`,
  sameSubscriber: (first: number) =>
    `The same subscriber as row ${first}, which is imported instead.`,
};

const FIELD_WORDS = { email: 'email address', phone: 'phone number', externalId: 'external id' };

type ClassifyContext = {
  workspaceId: string;
  mapping: ImportColumnMapping;
  columns: number;
  categories: Map<string, CategoryInfo>;
  duplicates: Map<number, { field: 'email' | 'phone' | 'externalId'; first: number }>;
  now: Date;
};

/**
 * What the import will do with each row, read from the database as it is now: set-based, a few
 * statements per page whatever its size.
 */
export async function classifyRows(
  dbh: DbOrTx,
  ctx: ClassifyContext,
  rows: Pick<StoredRow, 'row' | 'cells' | 'malformed'>[],
): Promise<RowPlan[]> {
  const plans: RowPlan[] = [];
  const parsed: { row: number; keys: RowKeys; changes: RowChange[] }[] = [];
  for (const r of rows) {
    const dup = ctx.duplicates.get(r.row);
    if (dup) {
      plans.push({
        row: r.row,
        kind: 'skipped',
        why: 'duplicate',
        reason: SKIP_WORDS.duplicate(FIELD_WORDS[dup.field], dup.first),
      });
      continue;
    }
    const p = parseRow(r, ctx.mapping, ctx.columns);
    if (!p.ok) plans.push({ row: r.row, kind: 'error', reason: p.reason });
    else parsed.push({ row: r.row, keys: p.keys, changes: p.changes });
  }
  const matched = await subscribersByAnyKey(dbh, {
    workspaceId: ctx.workspaceId,
    externalIds: parsed.flatMap((p) => (p.keys.externalId ? [p.keys.externalId] : [])),
    emails: parsed.flatMap((p) => (p.keys.email ? [p.keys.email] : [])),
    phones: parsed.flatMap((p) => (p.keys.phone ? [p.keys.phone] : [])),
  });
  const byKey = new Map<string, MatchedSubscriber>();
  for (const s of matched) {
    if (s.externalId) byKey.set(`x:${s.externalId}`, s);
    if (s.email) byKey.set(`e:${s.email}`, s);
    if (s.phone) byKey.set(`p:${s.phone}`, s);
  }
  const suppressed = await suppressedHashes(
    dbh,
    ctx.workspaceId,
    parsed.map((p) => p.keys),
  );
  const existingIds = [...new Set(matched.map((s) => s.id))];
  const states = await projectionStates(dbh, ctx.workspaceId, matched, existingIds);
  const usedBy = new Map<string, number>();

  for (const p of parsed) {
    const found = new Map<string, MatchedSubscriber>();
    for (const key of [
      p.keys.externalId && `x:${p.keys.externalId}`,
      p.keys.email && `e:${p.keys.email}`,
      p.keys.phone && `p:${p.keys.phone}`,
    ]) {
      const s = key ? byKey.get(key) : undefined;
      if (s) found.set(s.id, s);
    }
    if (found.size > 1) {
      plans.push({
        row: p.row,
        kind: 'error',
        reason:
          'These identifiers belong to different subscribers (say, the email to one and the phone to another); fix the row and import it again.',
      });
      continue;
    }
    const [existing] = found.values();
    if (existing?.erasedAt) {
      plans.push({ row: p.row, kind: 'skipped', why: 'suppressed', reason: SKIP_WORDS.erased });
      continue;
    }
    if (
      (p.keys.email && suppressed.has(hashKey(ctx.workspaceId, p.keys.email))) ||
      (p.keys.phone && suppressed.has(hashKey(ctx.workspaceId, p.keys.phone)))
    ) {
      plans.push({ row: p.row, kind: 'skipped', why: 'suppressed', reason: SKIP_WORDS.suppressed });
      continue;
    }
    if (existing) {
      const first = usedBy.get(existing.id);
      if (first !== undefined) {
        plans.push({
          row: p.row,
          kind: 'skipped',
          why: 'duplicate',
          reason: SKIP_WORDS.sameSubscriber(first),
        });
        continue;
      }
      usedBy.set(existing.id, p.row);
    }
    const current = existing ? (states.get(existing.id) ?? emptyState()) : undefined;
    const optedOut = current ? ownOptOutIn(current, p.changes, ctx.categories) : null;
    if (optedOut) {
      plans.push({
        row: p.row,
        kind: 'skipped',
        why: 'opted_out',
        reason: SKIP_WORDS.ownOptOut(optedOut),
      });
      continue;
    }
    // The one door's own rules, on a copy of the projection: what it would refuse, the row skips.
    const state = current ? cloneState(current) : emptyState();
    const outcome = computeTransitions(state, toConsentChanges(p.changes), {
      source: 'import',
      now: ctx.now,
      categories: ctx.categories,
    });
    const refusal = outcome.refusals[0];
    if (refusal) {
      const change = p.changes[refusal.index];
      const what = change
        ? `${change.category} by ${CHANNEL_LABELS[change.channel]}`
        : 'everything';
      plans.push(
        refusal.reason === 'own_opt_out'
          ? { row: p.row, kind: 'skipped', why: 'opted_out', reason: SKIP_WORDS.ownOptOut(what) }
          : refusal.reason === 'erased'
            ? { row: p.row, kind: 'skipped', why: 'suppressed', reason: SKIP_WORDS.erased }
            : { row: p.row, kind: 'error', reason: `${what}: ${refusal.message}` },
      );
      continue;
    }
    plans.push({
      row: p.row,
      kind: 'apply',
      keys: p.keys,
      changes: p.changes,
      subscriberId: existing?.id ?? null,
      changesConsent: outcome.events.length > 0,
    });
  }
  return plans.sort((a, b) => a.row - b.row);
}

/**
 * What the person opted out of themselves that the row would opt them into, in words; null when
 * nothing. Said before the one door is asked: a global opt-out leaves a subscription "subscribed"
 * underneath, which the door would then leave alone without a refusal, and the row must still be
 * reported as skipped. An own opt-out of everything skips the whole row, whatever it holds.
 */
function ownOptOutIn(
  state: SubscriberState,
  changes: RowChange[],
  categories: Map<string, CategoryInfo>,
): string | null {
  if (state.globalOptOuts.get('all')?.own) return 'everything';
  for (const c of changes) {
    if (c.status !== 'subscribed') continue;
    if (state.globalOptOuts.get(c.channel)?.own)
      return `every message by ${CHANNEL_LABELS[c.channel]}`;
    const id = categories.get(c.category)?.id;
    if (id && state.subscriptions.get(subscriptionKey(id, c.channel))?.ownOptOut)
      return `${c.category} by ${CHANNEL_LABELS[c.channel]}`;
  }
  return null;
}

function toConsentChanges(changes: RowChange[]): ConsentChange[] {
  return changes.map((c) => ({
    type: 'subscription',
    category: c.category,
    channel: c.channel,
    status: c.status,
  }));
}

function hashKey(workspaceId: string, address: string) {
  return `${suppressionChannel(address)}:${suppressionHash(workspaceId, address)}`;
}

async function suppressedHashes(dbh: DbOrTx, workspaceId: string, keys: RowKeys[]) {
  const candidates = keys.flatMap((k) =>
    [k.email, k.phone]
      .filter((a): a is string => !!a)
      .map((address) => ({
        channel: suppressionChannel(address),
        addressHash: suppressionHash(workspaceId, address),
      })),
  );
  if (candidates.length === 0) return new Set<string>();
  const found = await findSuppressions(dbh, { workspaceId, candidates });
  return new Set(found.map((f) => `${f.channel}:${f.addressHash}`));
}

/** The projection's state of existing subscribers (global opt-outs and subscriptions). */
async function projectionStates(
  dbh: DbOrTx,
  workspaceId: string,
  matched: MatchedSubscriber[],
  ids: string[],
): Promise<Map<string, SubscriberState>> {
  const states = new Map<string, SubscriberState>();
  for (const s of matched) {
    const state = emptyState();
    for (const [scope, value] of Object.entries(s.globalOptOuts)) {
      if (value)
        state.globalOptOuts.set(scope as Channel | 'all', { optedOut: true, own: value.own });
    }
    state.erased = s.erasedAt !== null;
    states.set(s.id, state);
  }
  if (ids.length === 0) return states;
  const rows = await loadSubscriptions(dbh, workspaceId, ids);
  for (const r of rows) {
    states.get(r.subscriberId)?.subscriptions.set(subscriptionKey(r.categoryId, r.channel), {
      status: r.status,
      frequency: r.frequency,
      ownOptOut: r.ownOptOut,
    });
  }
  return states;
}

function cloneState(state: SubscriberState): SubscriberState {
  return {
    subscriptions: new Map(state.subscriptions),
    pause: { ...state.pause },
    globalOptOuts: new Map(
      [...state.globalOptOuts].map(([k, v]) => [k, { ...(v ?? NOT_OPTED_OUT) }]),
    ),
    keywordBlocks: new Set(state.keywordBlocks),
    doNotSell: state.doNotSell,
    erased: state.erased,
  };
}

async function classifyContext(
  dbh: DbOrTx,
  imp: Pick<Import, 'id' | 'workspaceId' | 'header'>,
  mapping: ImportColumnMapping,
  duplicates?: ClassifyContext['duplicates'],
): Promise<ClassifyContext> {
  return {
    workspaceId: imp.workspaceId,
    mapping,
    columns: imp.header.length,
    categories: categoryIndex(await loadCategories(dbh, imp.workspaceId)),
    duplicates:
      duplicates ?? new Map((await duplicateRows(dbh, imp.id, mapping)).map((d) => [d.row, d])),
    now: new Date(),
  };
}

// --- the dry run ------------------------------------------------------------------------------

export type ImportPreview = {
  total: number;
  /** Rows that will be applied: new subscribers and existing ones. */
  valid: number;
  newSubscribers: number;
  existingSubscribers: number;
  consentChanges: number;
  invalid: number;
  skipped: { optedOut: number; suppressed: number; duplicates: number };
  /** The first rows as they will be applied. */
  sample: {
    row: number;
    action: 'create' | 'update';
    email: string | null;
    phone: string | null;
    externalId: string | null;
    locale: string | null;
    changes: RowChange[];
  }[];
  /** The first rows that will not be applied, with why. */
  problems: { row: number; kind: 'error' | 'skipped'; reason: string }[];
};

/** Classifies every row as the import would, writes nothing but the preview and the mapping. */
export async function previewImport(
  workspaceId: string,
  importId: string,
  mapping: ImportColumnMapping,
  database?: Db,
): Promise<ImportPreview> {
  const dbh = database ?? (await getDb());
  const imp = await findImport(dbh, workspaceId, importId);
  if (!imp) throw new DomainError('not_found', 'No such import.');
  if (imp.status !== 'uploaded')
    throw new DomainError('conflict', 'This import has started; its mapping can no longer change.');
  const ctx = await classifyContext(dbh, imp, mapping);
  const preview: ImportPreview = {
    total: imp.totalRows,
    valid: 0,
    newSubscribers: 0,
    existingSubscribers: 0,
    consentChanges: 0,
    invalid: 0,
    skipped: { optedOut: 0, suppressed: 0, duplicates: 0 },
    sample: [],
    problems: [],
  };
  let after = 0;
  for (;;) {
    const rows = await importRowsPage(dbh, { importId, afterRow: after, limit: PREVIEW_PAGE });
    if (rows.length === 0) break;
    after = rows[rows.length - 1]?.row ?? after;
    for (const plan of await classifyRows(dbh, ctx, rows)) {
      if (plan.kind === 'apply') {
        preview.valid += 1;
        if (plan.subscriberId) preview.existingSubscribers += 1;
        else preview.newSubscribers += 1;
        if (plan.changesConsent) preview.consentChanges += 1;
        if (preview.sample.length < SAMPLE_ROWS) {
          preview.sample.push({
            row: plan.row,
            action: plan.subscriberId ? 'update' : 'create',
            ...plan.keys,
            changes: plan.changes,
          });
        }
        continue;
      }
      if (plan.kind === 'error') preview.invalid += 1;
      else if (plan.why === 'opted_out') preview.skipped.optedOut += 1;
      else if (plan.why === 'duplicate') preview.skipped.duplicates += 1;
      else preview.skipped.suppressed += 1;
      if (preview.problems.length < PROBLEM_SAMPLES)
        preview.problems.push({ row: plan.row, kind: plan.kind, reason: plan.reason });
    }
  }
  await updateImport(dbh, workspaceId, importId, { mapping, preview });
  return preview;
}

// --- start ------------------------------------------------------------------------------------

/** Queues the import: its job, the duplicates reported and an audit entry, in one transaction. */
export async function startImport(
  input: { workspaceId: string; importId: string; adminId: string | null; ip?: string | null },
  database?: Db,
): Promise<{ importId: string }> {
  const dbh = database ?? (await getDb());
  return dbh.transaction(async (tx) => {
    const imp = await lockImport(tx, input.importId);
    if (!imp || imp.workspaceId !== input.workspaceId)
      throw new DomainError('not_found', 'No such import.');
    if (imp.status !== 'uploaded')
      throw new DomainError('conflict', 'This import has already been started.');
    if (!imp.mapping || !hasIdentifier(imp.mapping))
      throw new DomainError('validation', 'Map the email, phone or external id column first.');
    await updateImport(tx, input.workspaceId, imp.id, { status: 'queued', startedAt: new Date() });
    await insertJobs(tx, [
      { workspaceId: input.workspaceId, kind: IMPORT_JOB, payload: { importId: imp.id } },
    ]);
    await recordAudit(tx, {
      workspaceId: input.workspaceId,
      adminId: input.adminId,
      action: 'import.start',
      target: imp.fileName,
      detail: { importId: imp.id, rows: imp.totalRows },
      ip: input.ip,
    });
    return { importId: imp.id };
  });
}

export const startImportSchema = z.object({ importId: z.uuid() });

export const startImportCommand = {
  spec: { schema: startImportSchema, role: 'editor' as const },
  run: (input: z.output<typeof startImportSchema>, context: AdminActionContext) =>
    startImport({
      workspaceId: context.workspace.id,
      importId: input.importId,
      adminId: context.admin.id,
      ip: context.ip,
    }),
};

export const previewImportCommand = {
  spec: { schema: importMappingSchema, role: 'editor' as const },
  run: async (input: z.output<typeof importMappingSchema>, context: AdminActionContext) => {
    const dbh = await getDb();
    const imp = await findImport(dbh, context.workspace.id, input.importId);
    if (!imp) throw new DomainError('not_found', 'No such import.');
    const mapping = toColumnMapping(
      input,
      imp.header,
      await mappableCategories(context.workspace.id, dbh),
    );
    return previewImport(context.workspace.id, imp.id, mapping, dbh);
  },
};

// --- the background job -----------------------------------------------------------------------

export type BatchResult = { finished: boolean; processed: number };

export type BatchOptions = {
  batchSize?: number;
  /** The file's duplicate rows, when the caller has them (they never change once started). */
  duplicates?: ClassifyContext['duplicates'];
  /** Tests: runs inside the batch's transaction after the writes, before the commit. */
  beforeCommit?: () => Promise<void> | void;
};

/**
 * Applies the next batch: one transaction that locks the import, applies its rows through the
 * one door, records each row's outcome and moves the resume point. Rolled back whole on any
 * failure, so a crash at any moment leaves either the batch applied and recorded, or neither.
 */
export async function processImportBatch(
  importId: string,
  options: BatchOptions = {},
  database?: Db,
): Promise<BatchResult> {
  const dbh = database ?? (await getDb());
  const limit = options.batchSize ?? IMPORT_BATCH;
  return dbh.transaction(async (tx) => {
    const imp = await lockImport(tx, importId);
    if (!imp?.mapping || (imp.status !== 'queued' && imp.status !== 'running'))
      return { finished: true, processed: 0 };
    if (imp.status === 'queued')
      await updateImport(tx, imp.workspaceId, imp.id, { status: 'running' });
    const rows = await importRowsPage(tx, { importId, afterRow: imp.doneRows, limit });
    const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0, skipped: 0, error: 0 };
    if (rows.length === 0) {
      await advanceImport(tx, imp.id, { doneRows: imp.doneRows, counts, finished: true });
      await deleteAppliedRows(tx, imp.id);
      return { finished: true, processed: 0 };
    }
    const ctx = await classifyContext(tx, imp, imp.mapping, options.duplicates);
    const plans = await classifyRows(tx, ctx, rows);
    const outcomes: RowOutcome[] = [];
    const applying = plans.filter(
      (p): p is Extract<RowPlan, { kind: 'apply' }> => p.kind === 'apply',
    );
    for (const p of plans) {
      if (p.kind !== 'apply') outcomes.push({ row: p.row, outcome: p.kind, reason: p.reason });
    }

    const created = await insertSubscribers(
      tx,
      imp.workspaceId,
      applying.filter((p) => p.subscriberId === null).map((p) => ({ key: p.row, ...p.keys })),
    );
    const newIds = new Map(created.map((c) => [c.key, c.id]));
    const targets: { plan: Extract<RowPlan, { kind: 'apply' }>; id: string; isNew: boolean }[] = [];
    for (const plan of applying) {
      const id = plan.subscriberId ?? newIds.get(plan.row);
      if (!id) {
        outcomes.push({
          row: plan.row,
          outcome: 'error',
          reason: 'Someone else added this person while the import ran; import the row again.',
        });
        continue;
      }
      targets.push({ plan, id, isNew: plan.subscriberId === null });
    }
    const items: ConsentItem[] = targets
      .filter((t) => t.plan.changes.length > 0)
      .map((t) => ({
        subscriberId: t.id,
        changes: toConsentChanges(t.plan.changes),
        evidence: {
          ...(imp.createdBy ? { adminId: imp.createdBy } : {}),
          detail: { importId: imp.id, file: imp.fileName, row: t.plan.row },
        },
      }));
    const results = await applyConsent(
      { workspaceId: imp.workspaceId, source: 'import', items, now: ctx.now },
      tx as unknown as Db,
    );
    const byId = new Map(results.map((r) => [r.subscriberId, r]));
    const keyFills: Parameters<typeof fillSubscriberKeys>[2] = [];
    for (const t of targets) {
      const result = byId.get(t.id);
      if (result && !result.ok) {
        const refusal = result.refusals[0];
        const own = refusal?.reason === 'own_opt_out' || refusal?.reason === 'erased';
        outcomes.push({
          row: t.plan.row,
          outcome: own ? 'skipped' : 'error',
          reason: own
            ? SKIP_WORDS.ownOptOut('a category in this row')
            : (refusal?.message ?? 'Refused.'),
        });
        continue;
      }
      if (!t.isNew) keyFills.push({ id: t.id, ...t.plan.keys });
      const changed = !!result && result.ok && result.events.length > 0;
      outcomes.push({
        row: t.plan.row,
        outcome: t.isNew ? 'created' : changed ? 'updated' : 'unchanged',
        reason: null,
      });
    }
    await fillSubscriberKeys(tx, imp.workspaceId, keyFills);
    for (const o of outcomes) counts[o.outcome] += 1;
    await setRowOutcomes(tx, imp.id, outcomes);
    const last = rows[rows.length - 1]?.row ?? imp.doneRows;
    const finished = rows.length < limit || last >= imp.totalRows + 1;
    await advanceImport(tx, imp.id, { doneRows: last, counts, finished });
    if (finished) await deleteAppliedRows(tx, imp.id);
    await options.beforeCommit?.();
    return { finished, processed: rows.length };
  });
}

/** How long one job runs before it hands over to a fresh job (other jobs run in between). */
const SLICE_MS = 15_000;
/** Rows per batch on the embedded database (see runImportJob). */
const EMBEDDED_BATCH = 500;

function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}
const MAX_IMPORT_ATTEMPTS = 6;

export async function runImportJob(
  job: Pick<Job, 'payload' | 'attempts' | 'workspaceId'>,
  options: { sliceMs?: number; batchSize?: number } = {},
  database?: Db,
): Promise<void> {
  const dbh = database ?? (await getDb());
  const importId = String(job.payload.importId ?? '');
  const deadline = Date.now() + (options.sliceMs ?? SLICE_MS);
  // The embedded database answers one query at a time: smaller batches with a rest after each
  // (half the batch's time) keep the console and the API answering while an import runs.
  const embedded = (await dbKind()) === 'pglite';
  const batchSize = options.batchSize ?? (embedded ? EMBEDDED_BATCH : IMPORT_BATCH);
  try {
    // Duplicates are a property of the whole file, fixed once started: read once per slice.
    const imp = await findImport(dbh, job.workspaceId ?? '', importId);
    if (!imp?.mapping) return;
    const duplicates = new Map(
      (await duplicateRows(dbh, imp.id, imp.mapping)).map((d) => [d.row, d]),
    );
    for (;;) {
      const began = Date.now();
      const result = await processImportBatch(importId, { batchSize, duplicates }, dbh);
      if (result.finished) return;
      if (embedded) await sleep(Math.max(50, (Date.now() - began) / 2));
      if (Date.now() >= deadline) {
        // The next slice runs before the consent.changed jobs this one queued: dated back, so the
        // worker (which takes the oldest first) does not finish the backlog before the import.
        await insertJobs(dbh, [
          {
            workspaceId: job.workspaceId,
            kind: IMPORT_JOB,
            payload: { importId },
            runAt: new Date(Date.now() - 24 * 3_600_000),
          },
        ]);
        return;
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error('dial: import batch failed:', error);
    const workspaceId = job.workspaceId ?? '';
    const last = job.attempts >= MAX_IMPORT_ATTEMPTS;
    await updateImport(dbh, workspaceId, importId, {
      lastError: 'A batch failed; it will be tried again.',
      ...(last
        ? { status: 'failed' as const, finishedAt: new Date(), lastError: message.slice(0, 500) }
        : {}),
    }).catch(() => undefined);
    if (!last) throw error;
  }
}

export function registerImportJobs(): () => void {
  return registerJobHandler(IMPORT_JOB, (job) => runImportJob(job));
}

// --- reading ----------------------------------------------------------------------------------

export type ImportProgress = {
  id: string;
  status: Import['status'];
  fileName: string;
  total: number;
  done: number;
  percent: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  errors: number;
  retrying: boolean;
  failure: string | null;
};

export function progressOf(imp: Import): ImportProgress {
  const done =
    imp.status === 'done' ? imp.totalRows : Math.max(0, Math.min(imp.doneRows - 1, imp.totalRows));
  return {
    id: imp.id,
    status: imp.status,
    fileName: imp.fileName,
    total: imp.totalRows,
    done,
    percent: imp.totalRows === 0 ? 100 : Math.floor((done / imp.totalRows) * 100),
    created: imp.createdCount,
    updated: imp.updatedCount,
    unchanged: imp.unchangedCount,
    skipped: imp.skippedCount,
    errors: imp.errorCount,
    retrying: imp.status === 'running' && imp.lastError !== null,
    failure: imp.status === 'failed' ? 'The import stopped after repeated failures.' : null,
  };
}

export async function importForAdmin(workspaceId: string, importId: string, database?: DbOrTx) {
  const dbh = database ?? (await getDb());
  return findImport(dbh, workspaceId, importId);
}

export async function recentImports(workspaceId: string, database?: DbOrTx) {
  const dbh = database ?? (await getDb());
  return listImports(dbh, workspaceId, 20);
}

/**
 * The error report: every row that was not applied, with its values as uploaded and the reason,
 * a page at a time.
 */
export async function* errorReportLines(
  imp: Pick<Import, 'id' | 'header'>,
  database?: DbOrTx,
): AsyncGenerator<unknown[][]> {
  const dbh = database ?? (await getDb());
  yield [['row', ...imp.header, 'outcome', 'reason']];
  let after = 0;
  for (;;) {
    const rows = await importRowsPage(dbh, {
      importId: imp.id,
      afterRow: after,
      limit: PREVIEW_PAGE,
      problemsOnly: true,
    });
    if (rows.length === 0) return;
    after = rows[rows.length - 1]?.row ?? after;
    yield rows.map((r) => [
      r.row,
      ...imp.header.map((_, i) => r.cells[i] ?? ''),
      r.outcome === 'error' ? 'error' : 'skipped',
      r.reason,
    ]);
  }
}
