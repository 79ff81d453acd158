import { type Db, db as getDb } from '@/db/client';
import { checkpointProblems, insertCheckpoint, latestCheckpoint } from '@/db/queries/checkpoints';
import { loadEvents, loadEvidence, workspaceSubscriberIds } from '@/db/queries/consent';
import type { ConsentEvent, EvidenceData } from '@/db/schema';
import { type ChainProblem, type LedgerEvent, verifyChain } from './ledger';

/**
 * Verification of the tamper-evident ledger: each subscriber's hash chain, and the workspace's
 * checkpoints of chain heads (which catch a chain cut short and re-written from the start).
 */

export type Verification = { ok: boolean; subscribers: number; events: number; problems: string[] };

const PAGE = 500;

export async function verifySubscribers(
  workspaceId: string,
  subscriberIds: string[],
  heads: Map<string, { seq: number; hash: string }>,
  dbh: Db,
) {
  const events = await loadEvents(dbh, workspaceId, subscriberIds);
  const evidenceRows = await loadEvidence(dbh, workspaceId, subscriberIds);
  const evidence = new Map<string, { salt: string; data: EvidenceData }>(
    evidenceRows.map((e) => [e.id, e]),
  );
  const grouped = new Map<string, ConsentEvent[]>(subscriberIds.map((id) => [id, []]));
  for (const e of events) grouped.get(e.subscriberId)?.push(e);
  const problems: string[] = [];
  for (const [id, list] of grouped) {
    const found: ChainProblem[] = verifyChain({
      events: list as unknown as LedgerEvent[],
      evidence,
      evidenceIds: new Map(list.map((e) => [e.seq, e.evidenceId])),
      head: heads.get(id) ?? { seq: 0, hash: '' },
    });
    for (const p of found) problems.push(`subscriber ${id} event #${p.seq}: ${p.problem}`);
  }
  return { events: events.length, problems };
}

export async function verifySubscriberChain(
  workspaceId: string,
  subscriberId: string,
  database?: Db,
): Promise<Verification> {
  const dbh = database ?? (await getDb());
  const all = await workspaceSubscriberIds(dbh, workspaceId);
  const row = all.find((s) => s.id === subscriberId);
  if (!row) return { ok: false, subscribers: 0, events: 0, problems: ['no such subscriber'] };
  const result = await verifySubscribers(
    workspaceId,
    [subscriberId],
    new Map([[row.id, { seq: row.lastSeq, hash: row.headHash }]]),
    dbh,
  );
  return {
    ok: result.problems.length === 0,
    subscribers: 1,
    events: result.events,
    problems: result.problems,
  };
}

export async function verifyWorkspace(workspaceId: string, database?: Db): Promise<Verification> {
  const dbh = database ?? (await getDb());
  const subs = await workspaceSubscriberIds(dbh, workspaceId);
  const problems: string[] = [];
  let events = 0;
  for (let i = 0; i < subs.length; i += PAGE) {
    const page = subs.slice(i, i + PAGE);
    const heads = new Map(page.map((s) => [s.id, { seq: s.lastSeq, hash: s.headHash }]));
    const result = await verifySubscribers(
      workspaceId,
      page.map((s) => s.id),
      heads,
      dbh,
    );
    events += result.events;
    problems.push(...result.problems);
  }
  const checkpoint = await latestCheckpoint(dbh, workspaceId);
  if (checkpoint) problems.push(...(await checkpointProblems(dbh, workspaceId, checkpoint.id)));
  return { ok: problems.length === 0, subscribers: subs.length, events, problems };
}

export async function writeCheckpoint(workspaceId: string, database?: Db) {
  const dbh = database ?? (await getDb());
  return insertCheckpoint(dbh, workspaceId);
}
