import { type DbOrTx, db as getDb } from '@/db/client';
import { loadCategories } from '@/db/queries/consent';
import { ledgerExportPage, subscribersExportPage } from '@/db/queries/exports';
import type { Channel, EvidenceData } from '@/db/schema';
import { recordAudit } from './audit';
import { csvLine } from './import-csv';
import { suppressionPages } from './suppression-export';

/**
 * The console's exports (issue 7, item 8) as CSV, produced a page at a time while the client
 * reads: subscribers with their current subscriptions (in the import's own column shape, so an
 * export can be edited and imported back), the suppression list of a channel, and the ledger with
 * a summary of each event's evidence. Each page is one query; the pages are not one snapshot (as
 * the suppression export explains), so a change made during a long export may or may not be in it.
 */

export const EXPORT_PAGE = 2_000;

export type ExportKind = 'subscribers' | 'suppressions' | 'ledger';

/** Records who downloaded what: exports carry personal data. */
export async function auditExport(
  input: {
    workspaceId: string;
    adminId: string;
    kind: ExportKind;
    channel?: Channel;
    ip?: string | null;
  },
  database?: DbOrTx,
) {
  const dbh = database ?? (await getDb());
  await recordAudit(dbh, {
    workspaceId: input.workspaceId,
    adminId: input.adminId,
    action: 'export.download',
    target: input.kind,
    detail: input.channel ? { channel: input.channel } : {},
    ip: input.ip,
  });
}

/** The subscribers export's consent columns: every category x channel, in the categories' order. */
export async function subscriptionColumns(workspaceId: string, database?: DbOrTx) {
  const dbh = database ?? (await getDb());
  const categories = await loadCategories(dbh, workspaceId);
  return categories.flatMap((c) => c.channels.map((channel) => `${c.slug}:${channel}`));
}

export const SUBSCRIBER_COLUMNS = [
  'id',
  'external_id',
  'email',
  'phone',
  'locale',
  'created_at',
  'erased',
  'opted_out_of',
  'stop_keyword',
  'paused_until',
  'do_not_sell',
] as const;

/** Subscribers, one line each: identifiers, the subscriber-wide state, then one column per category x channel. */
export async function* subscriberLines(
  workspaceId: string,
  database?: DbOrTx,
  pageSize = EXPORT_PAGE,
): AsyncGenerator<unknown[][]> {
  const dbh = database ?? (await getDb());
  const consentColumns = await subscriptionColumns(workspaceId, dbh);
  yield [[...SUBSCRIBER_COLUMNS, ...consentColumns]];
  let after: string | null = null;
  for (;;) {
    const rows = await subscribersExportPage(dbh, { workspaceId, after, limit: pageSize });
    if (rows.length === 0) return;
    after = rows[rows.length - 1]?.id ?? after;
    yield rows.map((r) => [
      r.id,
      r.externalId,
      r.email,
      r.phone,
      r.locale,
      r.createdAt,
      r.erasedAt ? 'yes' : 'no',
      Object.keys(r.globalOptOuts)
        .filter((k) => r.globalOptOuts[k as Channel | 'all'])
        .sort()
        .join(' '),
      r.keywordBlocks.join(' '),
      r.pausedUntil,
      r.doNotSell ? 'yes' : 'no',
      ...consentColumns.map((column) => r.subscriptions[column] ?? ''),
    ]);
    if (rows.length < pageSize) return;
  }
}

export const SUPPRESSION_COLUMNS = [
  'address',
  'subscriber_id',
  'external_id',
  'reason',
  'since',
  'address_hash',
  'key_version',
] as const;

/** The suppression list of one channel (domain/suppression-export.ts says what is on it). */
export async function* suppressionLines(
  workspaceId: string,
  channel: Channel,
  database?: DbOrTx,
): AsyncGenerator<unknown[][]> {
  const dbh = database ?? (await getDb());
  yield [[...SUPPRESSION_COLUMNS]];
  for await (const page of suppressionPages(
    { workspaceId, channel },
    dbh as Parameters<typeof suppressionPages>[1],
  )) {
    yield page.map((entry) =>
      'addressHash' in entry
        ? [null, null, null, entry.reason, entry.since, entry.addressHash, entry.keyVersion]
        : [
            entry.address,
            entry.subscriberId,
            entry.externalId,
            entry.reason,
            entry.since,
            null,
            null,
          ],
    );
  }
}

export const LEDGER_COLUMNS = [
  'event_id',
  'occurred_at',
  'subscriber_id',
  'seq',
  'change_id',
  'type',
  'category',
  'channel',
  'before',
  'after',
  'source',
  'evidence',
  'hash',
] as const;

/** The ledger, oldest first: each event with what changed and a summary of its evidence. */
export async function* ledgerLines(
  workspaceId: string,
  database?: DbOrTx,
  pageSize = EXPORT_PAGE,
): AsyncGenerator<unknown[][]> {
  const dbh = database ?? (await getDb());
  yield [[...LEDGER_COLUMNS]];
  let after = 0;
  for (;;) {
    const rows = await ledgerExportPage(dbh, { workspaceId, after, limit: pageSize });
    if (rows.length === 0) return;
    after = rows[rows.length - 1]?.id ?? after;
    yield rows.map((r) => [
      r.id,
      r.occurredAt,
      r.subscriberId,
      r.seq,
      r.changeId,
      r.type,
      r.category,
      r.channel,
      JSON.stringify(r.before),
      JSON.stringify(r.after),
      r.source,
      evidenceSummary(r.evidenceId, r.evidence),
      r.hash,
    ]);
    if (rows.length < pageSize) return;
  }
}

/**
 * Evidence in a few words: what was recorded, and the ids that lead to the rest (the form, the
 * wording version, the key, the admin, the import row). The IP address, user agent and comment
 * themselves stay in the console (the subscriber's page): only that they were recorded is said.
 */
export function evidenceSummary(evidenceId: string | null, data: EvidenceData | null): string {
  if (!evidenceId) return '';
  if (!data) return 'erased';
  const parts: string[] = [];
  if (data.formId) parts.push(`form ${data.formId}`);
  if (data.origin) parts.push(`on ${data.origin}`);
  if (data.consentTextId)
    parts.push(`consent text ${data.consentTextId} v${data.consentTextVersion ?? '?'}`);
  if (data.tokenPurpose) parts.push(`${data.tokenPurpose} link`);
  if (data.apiKeyId) parts.push(`API key ${data.apiKeyId}`);
  if (data.adminId) parts.push(`admin ${data.adminId}`);
  if (data.keyword) parts.push(`keyword ${data.keyword}`);
  if (data.undoOf) parts.push(`undo of ${data.undoOf}`);
  const detail = data.detail ?? {};
  if (typeof detail.importId === 'string')
    parts.push(`import ${String(detail.file ?? detail.importId)} row ${String(detail.row ?? '?')}`);
  const recorded = [
    data.ip ? 'IP address' : null,
    data.userAgent ? 'browser' : null,
    data.comment ? 'comment' : null,
  ].filter(Boolean);
  if (recorded.length > 0) parts.push(`${recorded.join(', ')} recorded`);
  return parts.join('; ') || 'recorded';
}

/** Lines to CSV text, one chunk per page. */
export async function* csvChunks(pages: AsyncIterable<unknown[][]>): AsyncGenerator<string> {
  for await (const page of pages) {
    let chunk = '';
    for (const line of page) chunk += csvLine(line);
    yield chunk;
  }
}
