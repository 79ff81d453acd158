import { bulkChecker, type CheckAnswer, findCheckCategory } from '@/domain/check';
import { apiRoute } from '../api';
import { NDJSON_TYPE, problemLine, streamedResponse } from '../ndjson';
import { ProblemError } from '../problem';
import {
  BULK_BATCH_SIZE,
  type BulkItem,
  batchLines,
  pipelined,
  readBulkInput,
  refsOf,
} from './bulk';
import { BULK_CHECK_MAX_REFERENCES, bulkCheckParamsSchema } from './schemas';

/**
 * POST /api/v1/check/bulk: "may I send?" for up to 2,000,000 references in one call. The body is
 * read as it arrives (JSON `{category, channel, subscribers: [...]}` or NDJSON with
 * `?category=&channel=`), checked 5,000 references at a time by one `bulkChecker` (a query per
 * batch, or one read of the workspace for a request that covers much of it: see there), and
 * answered as NDJSON `{ref, allowed, reason}` lines in input order while later references are
 * still arriving. See ./bulk.ts for how bad input is answered. Reads only.
 *
 * Unlike the single check, an unknown category or a channel the category is not offered on is a
 * 422 for the whole request, rather than millions of identical `allowed: false` lines.
 */

/** A JSON body of 2,000,000 email references is about 80 MB; this leaves room for long ones. */
const MAX_BODY_BYTES = 200 * 1024 * 1024;
/** References held while the body has not yet said which category and channel they are for. */
const HOLD_LIMIT = 100_000;

export const postCheckBulk = apiRoute('check', async ({ caller, request, url }) => {
  const input = await readBulkInput(request, url, {
    paramsSchema: bulkCheckParamsSchema,
    paramNames: ['category', 'channel'],
    maxReferences: BULK_CHECK_MAX_REFERENCES,
    maxBytes: MAX_BODY_BYTES,
    batchSize: BULK_BATCH_SIZE,
    holdLimit: HOLD_LIMIT,
  });
  const { category, channel } = input.params;
  try {
    const found = await findCheckCategory(caller.workspaceId, category);
    if (!found) {
      throw new ProblemError('validation', `No category "${category}" in this workspace.`, {
        errors: [{ path: 'category', message: 'Unknown category' }],
      });
    }
    if (!found.channels.includes(channel)) {
      throw new ProblemError('validation', `Category "${category}" is not offered on ${channel}.`, {
        errors: [{ path: 'channel', message: `Not offered for "${category}"` }],
      });
    }
  } catch (error) {
    await input.close();
    throw error;
  }
  const { check } = bulkChecker({ workspaceId: caller.workspaceId, category, channel });
  const answer = async (batch: BulkItem[]) => {
    const refs = refsOf(batch);
    const answers = refs.length > 0 ? await check(refs) : [];
    return batchLines(batch, answers, answerLine);
  };
  return streamedResponse(pipelined(input.batches, answer), {
    contentType: NDJSON_TYPE,
    onFailure: problemLine,
  });
});

/**
 * The end of a line that holds no times, one string per answer (there are a few dozen): a line
 * is then joined from three pieces, not eight, which halves the cost of making and encoding a
 * million of them.
 */
const plainEnds = { allowed: new Map<string, string>(), refused: new Map<string, string>() };

/** `{ref, allowed, reason}`, with when a held-back send may go (pauses, frequency windows). */
function answerLine(refJson: string, answer: CheckAnswer): string {
  const { resumesAt, nextAllowedAt } = answer;
  // The reason is one of a fixed set of words and the times are ISO strings: nothing to escape.
  if (!resumesAt && !nextAllowedAt) {
    const ends = answer.allowed ? plainEnds.allowed : plainEnds.refused;
    let end = ends.get(answer.reason);
    if (end === undefined) {
      end = `,"allowed":${answer.allowed},"reason":"${answer.reason}"}`;
      ends.set(answer.reason, end);
    }
    return `{"ref":${refJson}${end}`;
  }
  let extra = '';
  if (resumesAt) extra += `,"resumesAt":"${resumesAt}"`;
  if (nextAllowedAt) extra += `,"nextAllowedAt":"${nextAllowedAt}"`;
  return `{"ref":${refJson},"allowed":${answer.allowed},"reason":"${answer.reason}"${extra}}`;
}
