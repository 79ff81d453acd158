import { type SuppressionEntry, suppressionPages } from '@/domain/suppression-export';
import { apiRoute } from '../api';
import { NDJSON_TYPE, streamedResponse } from '../ndjson';
import { parseWith } from '../request';
import { suppressionsQuerySchema } from './schemas';

/**
 * GET /api/v1/suppressions?channel=email&format=csv|ndjson: the channel's suppression list (see
 * domain/suppression-export.ts for what is on it), streamed a page at a time, each page read
 * only when the client has taken the previous one. Scope `read`.
 *
 * A failure part-way aborts the response (the body ends without its last chunk, which HTTP
 * clients report as an error) rather than ending it cleanly: a partial list that looked whole
 * would let a sender mail someone who opted out.
 */
export const getSuppressions = apiRoute('read', async ({ caller, url }) => {
  const query = parseWith(suppressionsQuerySchema, Object.fromEntries(url.searchParams));
  const pages = suppressionPages({ workspaceId: caller.workspaceId, channel: query.channel });
  const abort = () => undefined;
  if (query.format === 'ndjson') {
    return streamedResponse(ndjsonChunks(pages), { contentType: NDJSON_TYPE, onFailure: abort });
  }
  return streamedResponse(csvChunks(pages), {
    contentType: 'text/csv; charset=utf-8',
    headers: {
      'content-disposition': `attachment; filename="suppressions-${query.channel}.csv"`,
    },
    onFailure: abort,
  });
});

async function* ndjsonChunks(pages: AsyncGenerator<SuppressionEntry[]>): AsyncGenerator<string> {
  for await (const page of pages) {
    yield `${page.map((entry) => JSON.stringify(entry)).join('\n')}\n`;
  }
}

export const CSV_COLUMNS = [
  'address',
  'subscriberId',
  'externalId',
  'reason',
  'since',
  'addressHash',
  'keyVersion',
] as const;

/** RFC 4180: CRLF line ends, a header row, fields quoted when they hold `"`, `,` or a line end. */
async function* csvChunks(pages: AsyncGenerator<SuppressionEntry[]>): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  for await (const page of pages) {
    let chunk = '';
    for (const entry of page) {
      const record = entry as Partial<Record<(typeof CSV_COLUMNS)[number], unknown>>;
      chunk += `${CSV_COLUMNS.map((column) => csvField(record[column])).join(',')}\r\n`;
    }
    yield chunk;
  }
}

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
