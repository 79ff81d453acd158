import { check } from '@/domain/check';
import { apiRoute } from '../api';
import { json } from '../problem';
import { parseWith, readJson } from '../request';
import { checkRequestSchema } from './schemas';

/** POST /api/v1/check: may I send? Reads only. */
export const postCheck = apiRoute('check', async ({ caller, request }) => {
  const input = parseWith(checkRequestSchema, await readJson(request));
  const answer = await check({ workspaceId: caller.workspaceId, ...input });
  return json(answer);
});
