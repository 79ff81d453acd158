import { type Db, db as getDb } from '@/db/client';
import {
  subscriberEvidence,
  subscriberFeedback,
  subscriberLedger,
  subscriberRecord,
} from '@/db/queries/erasure';
import { listSubscriptions } from '@/db/queries/subscribers';
import { findWorkspaceById } from '@/db/queries/workspaces';
import type { EvidenceData } from '@/db/schema';
import { DomainError } from './errors';

/**
 * "Download my data": everything Dial holds about one subscriber, as one JSON document: who they
 * are to the workspace, their current consent, the whole ledger with its hashes (so they can
 * check it), the evidence behind it and the feedback they gave. Reads only.
 */

export type MyData = {
  format: 'dial-my-data-v1';
  generatedAt: string;
  workspace: { name: string };
  subscriber: {
    id: string;
    externalId: string | null;
    email: string | null;
    phone: string | null;
    locale: string | null;
    createdAt: string;
    erasedAt: string | null;
  };
  subscriptions: {
    category: string;
    kind: 'marketing' | 'transactional';
    channel: string;
    status: string;
    frequency: string | null;
    updatedAt: string;
  }[];
  pause: { until: string | null; own: boolean };
  globalOptOuts: { scope: string; own: boolean }[];
  smsKeywordBlocks: string[];
  doNotSell: boolean;
  ledger: {
    seq: number;
    changeId: string;
    type: string;
    category: string | null;
    channel: string | null;
    before: unknown;
    after: unknown;
    source: string;
    evidenceId: string | null;
    occurredAt: string;
    prevHash: string;
    hash: string;
  }[];
  evidence: ({ id: string; createdAt: string } & EvidenceData)[];
  feedback: {
    changeId: string;
    reason: string | null;
    comment: string | null;
    createdAt: string;
  }[];
};

export async function exportSubscriberData(
  input: { workspaceId: string; subscriberId: string; now?: Date },
  database?: Db,
): Promise<MyData> {
  const dbh = database ?? (await getDb());
  const ids = { workspaceId: input.workspaceId, subscriberId: input.subscriberId };
  // One snapshot, so the ledger, the projection and the evidence agree with each other.
  const read = await dbh.transaction(
    async (tx) => {
      const subscriber = await subscriberRecord(tx, ids);
      if (!subscriber) return undefined;
      return {
        subscriber,
        workspace: await findWorkspaceById(tx, input.workspaceId),
        subscriptions: await listSubscriptions(tx, input.workspaceId, input.subscriberId),
        ledger: await subscriberLedger(tx, ids),
        evidence: await subscriberEvidence(tx, ids),
        feedback: await subscriberFeedback(tx, ids),
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  if (!read?.workspace) throw new DomainError('not_found', 'No such subscriber in this workspace.');
  const { subscriber: s } = read;
  return {
    format: 'dial-my-data-v1',
    generatedAt: (input.now ?? new Date()).toISOString(),
    workspace: { name: read.workspace.name },
    subscriber: {
      id: s.id,
      externalId: s.externalId,
      email: s.email,
      phone: s.phone,
      locale: s.locale,
      createdAt: s.createdAt.toISOString(),
      erasedAt: s.erasedAt?.toISOString() ?? null,
    },
    subscriptions: read.subscriptions.map((x) => ({
      category: x.category,
      kind: x.categoryKind,
      channel: x.channel,
      status: x.status,
      frequency: x.frequency,
      updatedAt: x.updatedAt.toISOString(),
    })),
    pause: { until: s.pausedUntil?.toISOString() ?? null, own: s.pauseOwn },
    globalOptOuts: Object.entries(s.globalOptOuts)
      .filter(([, v]) => v)
      .map(([scope, v]) => ({ scope, own: v?.own === true }))
      .sort((a, b) => a.scope.localeCompare(b.scope)),
    smsKeywordBlocks: [...s.keywordBlocks],
    doNotSell: s.doNotSell,
    ledger: read.ledger.map((e) => ({
      seq: e.seq,
      changeId: e.changeId,
      type: e.type,
      category: e.category,
      channel: e.channel,
      before: e.before,
      after: e.after,
      source: e.source,
      evidenceId: e.evidenceId,
      occurredAt: e.occurredAt.toISOString(),
      prevHash: e.prevHash,
      hash: e.hash,
    })),
    evidence: read.evidence.map((e) => ({
      ...e.data,
      id: e.id,
      createdAt: e.createdAt.toISOString(),
    })),
    feedback: read.feedback.map((f) => ({
      changeId: f.changeId,
      reason: f.reason,
      comment: f.comment,
      createdAt: f.createdAt.toISOString(),
    })),
  };
}
