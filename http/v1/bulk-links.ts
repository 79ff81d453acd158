import { linksForMany, linkTarget } from '@/domain/bulk-links';
import type { Links } from '@/domain/links';
import { apiRoute } from '../api';
import { NDJSON_TYPE, problemLine, streamedResponse } from '../ndjson';
import {
  BULK_BATCH_SIZE,
  type BulkItem,
  batchLines,
  pipelined,
  readBulkInput,
  refsOf,
} from './bulk';
import { BULK_LINKS_MAX_REFERENCES, bulkLinksParamsSchema } from './schemas';

/**
 * POST /api/v1/links/bulk: the links of POST /api/v1/links for up to 100,000 subscribers in one
 * streamed call, as NDJSON `{ref, preferencesUrl, unsubscribeUrl, oneClickUrl, headers}` lines in
 * input order; `{ref, error: "unknown_subscriber"}` for a reference that names no subscriber (or
 * an erased one). Input and bad input as in ./bulk.ts. Scope `check`, like the single call.
 *
 * In the JSON form, `category` and `channel` are optional: to have the references stream straight
 * through, state both before `subscribers` (`null` for "none") or give them in the query string;
 * otherwise the references are held until the body ends.
 */

/** 100,000 references with room for long external ids. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export const postLinksBulk = apiRoute('check', async ({ caller, request, url }) => {
  const input = await readBulkInput(request, url, {
    paramsSchema: bulkLinksParamsSchema,
    paramNames: ['category', 'channel'],
    maxReferences: BULK_LINKS_MAX_REFERENCES,
    maxBytes: MAX_BODY_BYTES,
    batchSize: BULK_BATCH_SIZE,
    holdLimit: BULK_LINKS_MAX_REFERENCES,
  });
  let target: Awaited<ReturnType<typeof linkTarget>>;
  try {
    target = await linkTarget({ workspaceId: caller.workspaceId, ...input.params });
  } catch (error) {
    await input.close();
    throw error;
  }
  const answer = async (batch: BulkItem[]) =>
    batchLines(batch, await linksForMany(target, refsOf(batch)), linkLine);
  return streamedResponse(pipelined(input.batches, answer), {
    contentType: NDJSON_TYPE,
    onFailure: problemLine,
  });
});

function linkLine(refJson: string, links: Links | undefined): string {
  if (!links) return `{"ref":${refJson},"error":"unknown_subscriber"}`;
  return `{"ref":${refJson},${JSON.stringify(links).slice(1)}`;
}
