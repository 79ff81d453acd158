import { type Db, db as getDb, type Tx } from '@/db/client';
import { insertJobs } from '@/db/queries/outbox';
import { mailableSubscriberIds } from '@/db/queries/subscribers';
import { findWorkspaceById } from '@/db/queries/workspaces';
import type { EvidenceData } from '@/db/schema';
import { cachedCategories } from './check';
import { applyConsent, type ConsentItem, type ItemResult, UnknownSubscriberError } from './consent';
import { linkOrigin } from './links';
import type { TokenClaims } from './tokens';
import { optOutChanges, scopeOf } from './unsubscribe';

/**
 * RFC 8058 one-click opt-outs, committed in groups. Mail providers POST these in bursts (a
 * campaign's complaints and unsubscribes arrive together), and each one is a transaction of
 * about ten statements through the one door. So, per workspace, one transaction is in flight at
 * a time and every opt-out that arrives meanwhile joins the next one: `applyConsent` takes many
 * subscribers at once. Each request still answers only after the transaction holding its opt-out
 * has committed (rule 7), and a lone request goes at once (no timer, no added wait).
 *
 * What each opt-out does is exactly what the unsubscribe page's "this" does: the link's scope,
 * reduce-only, source `one_click`, the token named in the evidence, and the one confirmation mail
 * (with its link to the optional "why?") for a subscriber Dial can still write to.
 */

/**
 * Transactions in flight per workspace: two, so one is being built while the other waits on
 * PostgreSQL. They lock their subscribers in the same order (the one door sorts), so they never
 * deadlock; a subscriber in both simply waits.
 */
const IN_FLIGHT = 2;
/** Opt-outs per transaction at most: bounds the locks held and a failed group's retry. */
const MAX_GROUP = 200;

export type OneClickOutcome = ItemResult | { subscriberId: string; ok: false; unknown: true };

type Waiting = {
  item: ConsentItem;
  feedbackPath: string;
  resolve: (outcome: OneClickOutcome) => void;
  reject: (error: unknown) => void;
};
type Group = { waiting: Waiting[]; running: number };

const GROUPS = Symbol.for('dial.oneClickGroups');
type Holder = { [GROUPS]?: Map<string, Group> };

function groups(): Map<string, Group> {
  const holder = globalThis as Holder;
  holder[GROUPS] ??= new Map();
  return holder[GROUPS];
}

/**
 * Opts out with a verified unsubscribe token's power. `feedbackPath` is the confirmation page
 * path of this link (`/u/{token}/done`); the mail's link to the question is built from it.
 */
export async function oneClickOptOut(
  input: { claims: TokenClaims; evidence: EvidenceData; feedbackPath: string },
  database?: Db,
): Promise<OneClickOutcome> {
  const { claims } = input;
  const categories = (await cachedCategories(claims.workspaceId, database)).filter(
    (c) => c.archivedAt === null,
  );
  const scope = scopeOf(
    claims,
    categories.map((c) => ({
      id: c.id,
      kind: c.kind,
      channels: c.channels.map((channel) => ({ channel })),
    })),
  );
  const item: ConsentItem = {
    subscriberId: claims.subscriberId,
    changes: optOutChanges(scope, 'this'),
    evidence: { ...input.evidence, tokenKid: claims.kid, tokenPurpose: claims.purpose },
  };
  return new Promise((resolve, reject) => {
    const all = groups();
    let group = all.get(claims.workspaceId);
    if (!group) {
      group = { waiting: [], running: 0 };
      all.set(claims.workspaceId, group);
    }
    group.waiting.push({ item, feedbackPath: input.feedbackPath, resolve, reject });
    if (group.running < IN_FLIGHT) void drain(claims.workspaceId, group, database);
  });
}

async function drain(workspaceId: string, group: Group, database?: Db): Promise<void> {
  group.running += 1;
  try {
    const dbh = database ?? (await getDb());
    while (group.waiting.length > 0) {
      // One subscriber appears once per transaction; a second click waits for the next one.
      const batch: Waiting[] = [];
      const rest: Waiting[] = [];
      const seen = new Set<string>();
      for (const waiting of group.waiting) {
        if (batch.length < MAX_GROUP && !seen.has(waiting.item.subscriberId)) {
          seen.add(waiting.item.subscriberId);
          batch.push(waiting);
        } else rest.push(waiting);
      }
      group.waiting = rest;
      await commitGroup(dbh, workspaceId, batch);
    }
  } catch (error) {
    for (const waiting of group.waiting.splice(0)) waiting.reject(error);
  } finally {
    group.running -= 1;
    if (group.running === 0 && group.waiting.length === 0) groups().delete(workspaceId);
  }
}

/** One transaction for the group; if it fails, each opt-out alone, so one cannot sink the rest. */
async function commitGroup(dbh: Db, workspaceId: string, batch: Waiting[]): Promise<void> {
  try {
    const results = await commit(dbh, workspaceId, batch);
    batch.forEach((waiting, i) => {
      waiting.resolve(results[i] as ItemResult);
    });
  } catch (error) {
    if (batch.length === 1) {
      const [only] = batch as [Waiting];
      if (error instanceof UnknownSubscriberError) {
        only.resolve({ subscriberId: only.item.subscriberId, ok: false, unknown: true });
      } else only.reject(error);
      return;
    }
    for (const waiting of batch) await commitGroup(dbh, workspaceId, [waiting]);
  }
}

function commit(dbh: Db, workspaceId: string, batch: Waiting[]): Promise<ItemResult[]> {
  return applyConsent(
    {
      workspaceId,
      source: 'one_click',
      reduceOnly: true,
      items: batch.map((w) => w.item),
      within: (tx, results) => enqueueConfirmations(tx, workspaceId, batch, results),
    },
    dbh,
  );
}

/** The one confirmation mail per opt-out that changed something, for those Dial can write to. */
async function enqueueConfirmations(
  tx: Tx,
  workspaceId: string,
  batch: Waiting[],
  results: ItemResult[],
): Promise<void> {
  const changed = new Map<string, string>();
  for (const result of results) {
    if (result.ok && result.changeId) changed.set(result.subscriberId, result.changeId);
  }
  if (changed.size === 0) return;
  const mailable = new Set(await mailableSubscriberIds(tx, workspaceId, [...changed.keys()]));
  if (mailable.size === 0) return;
  const workspace = await findWorkspaceById(tx, workspaceId);
  const origin = linkOrigin({ settings: workspace?.settings ?? {} });
  const jobs = [];
  for (const waiting of batch) {
    const { subscriberId } = waiting.item;
    const changeId = changed.get(subscriberId);
    if (!changeId || !mailable.has(subscriberId)) continue;
    const query = new URLSearchParams({ which: 'this', change: changeId });
    jobs.push({
      workspaceId,
      kind: 'mail.optout_confirmation',
      payload: { subscriberId, changeId, feedbackUrl: `${origin}${waiting.feedbackPath}?${query}` },
    });
  }
  if (jobs.length > 0) await insertJobs(tx, jobs);
}
