import { recordSends } from '@/domain/sends';
import { apiRoute } from '../api';
import { json } from '../problem';
import { parseWith, readJson } from '../request';
import { sendRequestSchema, sendsBatchRequestSchema } from './schemas';

/** 10,000 sends of a few hundred bytes each do not fit the usual 1 MB. */
const MAX_SENDS_BODY_BYTES = 4 * 1024 * 1024;

/**
 * POST /api/v1/sends: record sends, so the check enforces each subscriber's chosen frequency.
 * Senders hold `check` keys, so `check` (or `write`) may call it. One send, or `{sends: [...]}`.
 */
export const postSends = apiRoute('check', async ({ caller, request }) => {
  const body = await readJson(request, MAX_SENDS_BODY_BYTES);
  // Parsed by the shape it claims, so validation errors point at the right fields.
  const sends =
    typeof body === 'object' && body !== null && 'sends' in body
      ? parseWith(sendsBatchRequestSchema, body).sends
      : [parseWith(sendRequestSchema, body)];
  return json(await recordSends({ workspaceId: caller.workspaceId, sends }));
});
