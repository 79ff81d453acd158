import { db } from '@/db/client';
import { loadCategories } from '@/db/queries/consent';
import { listSubscriptions } from '@/db/queries/subscribers';
import { applyConsentFor, type ItemResult } from '@/domain/consent';
import { DomainError } from '@/domain/errors';
import {
  claim,
  complete,
  IDEMPOTENCY_KEY_PATTERN,
  release,
  requestHash,
} from '@/domain/idempotency';
import { requireSubscriber } from '@/domain/subscribers';
import { type ApiContext, apiRoute } from '../api';
import { json, ProblemError, problemBody } from '../problem';
import { clientInfo, parseWith, readJson } from '../request';
import { type ConsentRequest, consentRequestSchema } from './schemas';

/**
 * POST /api/v1/consents: changes through the one door with source `api`. All changes of a
 * request apply or none do. Accepts `Idempotency-Key`.
 */
export const postConsents = apiRoute('write', async (ctx) => {
  const raw = await readJson(ctx.request);
  const input = parseWith(consentRequestSchema, raw);
  const key = ctx.request.headers.get('idempotency-key');
  if (key === null) {
    return respond(await applyRequest(ctx, input));
  }
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new ProblemError(
      'validation',
      'Idempotency-Key must be 1 to 255 visible ASCII characters.',
    );
  }
  const workspaceId = ctx.caller.workspaceId;
  const claimed = await claim({
    workspaceId,
    key,
    requestHash: requestHash(ctx.url.pathname, raw),
  });
  if (claimed.kind === 'replay') return respond(claimed, { 'idempotent-replayed': 'true' });
  try {
    return respond(
      await applyRequest(ctx, input, (tx, answer) => complete(tx, { workspaceId, key, ...answer })),
    );
  } catch (error) {
    await release({ workspaceId, key });
    throw error;
  }
});

type Answer = { status: number; body: unknown };

function respond(answer: Answer, headers: Record<string, string> = {}): Response {
  const type: Record<string, string> =
    answer.status >= 400 ? { 'content-type': 'application/problem+json' } : {};
  return json(answer.body, answer.status, { ...headers, ...type });
}

async function applyRequest(
  ctx: ApiContext,
  input: ConsentRequest,
  store?: (
    tx: Parameters<NonNullable<Parameters<typeof applyConsentFor>[0]['within']>>[0],
    answer: Answer,
  ) => Promise<unknown>,
): Promise<Answer> {
  const workspaceId = ctx.caller.workspaceId;
  const subscriber = await requireSubscriber(workspaceId, input.subscriber);
  let answer: Answer | undefined;
  await applyConsentFor({
    workspaceId,
    subscriberId: subscriber.id,
    source: 'api',
    evidence: {
      ...clientInfo(ctx.request),
      apiKeyId: ctx.caller.keyId,
      ...(input.evidence ? { detail: input.evidence } : {}),
    },
    changes: input.changes.map((c) => ({ type: 'subscription', ...c })),
    within: async (tx, results) => {
      const result = results[0] as ItemResult;
      answer = await answerFor(tx, workspaceId, subscriber.id, result, input);
      if (store) await store(tx, answer);
    },
  });
  if (!answer) throw new DomainError('conflict', 'The change was not applied; try again.');
  return answer;
}

async function answerFor(
  tx: Parameters<typeof listSubscriptions>[0],
  workspaceId: string,
  subscriberId: string,
  result: ItemResult,
  input: ConsentRequest,
): Promise<Answer> {
  if (!result.ok) {
    const refusals = result.refusals.map((r) => ({
      change: input.changes[r.index],
      reason: r.reason,
      message: r.message,
    }));
    const first = refusals[0];
    const body = problemBody(
      'consent_refused',
      first ? `${first.message} (${first.change?.category}/${first.change?.channel})` : 'Refused.',
      {
        refusals,
      },
    );
    return { status: body.status, body };
  }
  const dbh = tx ?? (await db());
  const subscriptions = await listSubscriptions(dbh, workspaceId, subscriberId);
  const slugs = new Map((await loadCategories(dbh, workspaceId)).map((c) => [c.id, c.slug]));
  return {
    status: 200,
    body: {
      subscriberId,
      changeId: result.changeId,
      events: result.events.map((e) => ({
        id: String(e.id),
        seq: e.seq,
        type: e.type,
        category: e.categoryId ? (slugs.get(e.categoryId) ?? null) : null,
        channel: e.channel,
        before: e.before,
        after: e.after,
        source: e.source,
        occurredAt: e.occurredAt.toISOString(),
        hash: e.hash,
      })),
      subscriptions: subscriptions.map((s) => ({
        category: s.category,
        channel: s.channel,
        status: s.status,
        frequency: s.frequency,
        updatedAt: s.updatedAt.toISOString(),
      })),
    },
  };
}
