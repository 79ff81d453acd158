import { check } from '@/domain/check';
import { checkAndRecord } from '@/domain/sends';
import { apiRoute } from '../api';
import type { BufferedRequest } from '../buffered';
import { json } from '../problem';
import { parseWith, readJson } from '../request';
import { checkRequestSchema } from './schemas';

/** POST /api/v1/check: may I send? Reads only, unless `record: true` and the answer is yes. */
export const postCheck = apiRoute<Request | BufferedRequest>(
  'check',
  async ({ caller, request }) => {
    const { record, messageId, ...ask } = parseWith(checkRequestSchema, await readJson(request));
    const input = { workspaceId: caller.workspaceId, ...ask };
    return json(record ? await checkAndRecord({ ...input, messageId }) : await check(input));
  },
);
