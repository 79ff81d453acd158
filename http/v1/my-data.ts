import { eraseSubscriber } from '@/domain/erasure';
import { DomainError } from '@/domain/errors';
import { exportSubscriberData } from '@/domain/my-data';
import { apiRoute, pathParam } from '../api';
import { json } from '../problem';

/**
 * For support desks answering a data request on the subscriber's behalf: the same export as the
 * subscriber's own download, and erasure. A subscriber of another workspace is a 404, as an
 * unknown one is (rule 8).
 */

const PREFIX = '/api/v1/subscribers';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function subscriberId(url: URL): string {
  const id = pathParam(url, PREFIX);
  if (!UUID.test(id)) throw new DomainError('not_found', 'No such subscriber in this workspace.');
  return id;
}

/** POST /api/v1/subscribers/{id}/erase: erases; repeating it is harmless and answers the same. */
export const postEraseSubscriber = apiRoute('write', async ({ caller, url }) => {
  await eraseSubscriber({
    workspaceId: caller.workspaceId,
    subscriberId: subscriberId(url),
    requestedBy: 'api',
    evidence: { apiKeyId: caller.keyId },
  });
  return json({ erased: true });
});

/** GET /api/v1/subscribers/{id}/export: everything Dial holds about the subscriber. */
export const getSubscriberExport = apiRoute('read', async ({ caller, url }) => {
  return json(
    await exportSubscriberData({
      workspaceId: caller.workspaceId,
      subscriberId: subscriberId(url),
    }),
  );
});
