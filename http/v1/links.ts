import { db } from '@/db/client';
import { findWorkspaceById } from '@/db/queries/workspaces';
import { DomainError } from '@/domain/errors';
import { buildLinks } from '@/domain/links';
import { requireSubscriber } from '@/domain/subscribers';
import { apiRoute } from '../api';
import { json } from '../problem';
import { parseWith, readJson } from '../request';
import { linksRequestSchema } from './schemas';

/**
 * POST /api/v1/links: the signed links and List-Unsubscribe headers for one message. Scope
 * `check` (so `write` too): whoever asks "may I send?" also builds the message, and a sender
 * should not need a key that can change consent just to put links in its mail. Writes nothing
 * but the workspace's first signing key, if it has none yet.
 */
export const postLinks = apiRoute('check', async ({ caller, request }) => {
  const input = parseWith(linksRequestSchema, await readJson(request));
  const dbh = await db();
  const subscriber = await requireSubscriber(caller.workspaceId, input.subscriber, dbh);
  // An erased subscriber is gone for every purpose: no fresh links that name them.
  if (subscriber.erasedAt !== null) {
    throw new DomainError('not_found', 'No such subscriber in this workspace.');
  }
  const workspace = await findWorkspaceById(dbh, caller.workspaceId);
  if (!workspace) throw new DomainError('not_found', 'This workspace no longer exists.');
  const links = await buildLinks(
    {
      workspace,
      subscriberId: subscriber.id,
      category: input.category,
      channel: input.channel,
    },
    dbh,
  );
  return json(links);
});
