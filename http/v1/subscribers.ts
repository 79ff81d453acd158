import { db } from '@/db/client';
import type { SubscriberRow } from '@/db/queries/subscribers';
import { findSubscriberById, listEvents } from '@/db/queries/subscribers';
import { DomainError } from '@/domain/errors';
import { subscriberWithSubscriptions, upsertSubscriber } from '@/domain/subscribers';
import { apiRoute, pathParam } from '../api';
import { json } from '../problem';
import { parseWith, readJson } from '../request';
import { eventsQuerySchema, subscriberUpsertSchema } from './schemas';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PREFIX = '/api/v1/subscribers';

export function subscriberJson(s: SubscriberRow) {
  return {
    id: s.id,
    externalId: s.externalId,
    email: s.email,
    phone: s.phone,
    locale: s.locale,
    createdAt: s.createdAt.toISOString(),
    erased: s.erasedAt !== null,
    pausedUntil: s.pausedUntil?.toISOString() ?? null,
    globalOptOuts: Object.keys(s.globalOptOuts).sort(),
    smsKeywordBlocks: s.keywordBlocks,
    doNotSell: s.doNotSell,
  };
}

/** POST /api/v1/subscribers: upsert by externalId, then email, then phone. */
export const createSubscriber = apiRoute('write', async ({ caller, request }) => {
  const input = parseWith(subscriberUpsertSchema, await readJson(request));
  const { subscriber, created } = await upsertSubscriber(caller.workspaceId, input);
  return json(subscriberJson(subscriber), created ? 201 : 200);
});

function subscriberId(url: URL): string {
  const id = pathParam(url, PREFIX);
  if (!UUID.test(id)) throw new DomainError('not_found', 'No such subscriber in this workspace.');
  return id;
}

/** GET /api/v1/subscribers/{id}: the subscriber with its subscriptions. */
export const getSubscriber = apiRoute('read', async ({ caller, url }) => {
  const { subscriber, subscriptions } = await subscriberWithSubscriptions(
    caller.workspaceId,
    subscriberId(url),
  );
  return json({
    ...subscriberJson(subscriber),
    subscriptions: subscriptions.map((s) => ({
      category: s.category,
      kind: s.categoryKind,
      channel: s.channel,
      status: s.status,
      frequency: s.frequency,
      updatedAt: s.updatedAt.toISOString(),
    })),
  });
});

/** GET /api/v1/subscribers/{id}/events?cursor=: the ledger, oldest first, a page at a time. */
export const getSubscriberEvents = apiRoute('read', async ({ caller, url }) => {
  const id = subscriberId(url);
  const query = parseWith(eventsQuerySchema, Object.fromEntries(url.searchParams));
  const dbh = await db();
  const subscriber = await findSubscriberById(dbh, caller.workspaceId, id);
  if (!subscriber) throw new DomainError('not_found', 'No such subscriber in this workspace.');
  const afterSeq = query.cursor ? Number(query.cursor) : 0;
  const rows = await listEvents(dbh, {
    workspaceId: caller.workspaceId,
    subscriberId: id,
    afterSeq,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return json({
    events: page.map((e) => ({
      id: String(e.id),
      seq: e.seq,
      changeId: e.changeId,
      type: e.type,
      category: e.category,
      channel: e.channel,
      before: e.before,
      after: e.after,
      source: e.source,
      occurredAt: e.occurredAt.toISOString(),
      hash: e.hash,
    })),
    nextCursor: rows.length > query.limit && last ? String(last.seq) : null,
  });
});
