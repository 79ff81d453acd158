import { randomUUID } from 'node:crypto';
import { type Db, db as getDb } from '@/db/client';
import { claimJobs, markJobDone, markJobFailed } from '@/db/queries/outbox';

/**
 * The outbox worker. Jobs are written by the one door in the same transaction as the change that
 * caused them; a worker claims a few with a lease, runs each handler outside any transaction,
 * then records the result. At-least-once: a handler may see a job twice (a lease that ran out
 * mid-I/O), so handlers de-duplicate on the job id, which is stable.
 */

export type Job = {
  id: string;
  workspaceId: string | null;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
};
export type JobHandler = (job: Job) => Promise<void>;

/** A failure that retrying cannot fix: the job is marked dead at once. */
export class PermanentJobError extends Error {}

const HANDLERS = Symbol.for('dial.outbox.handlers');
type Holder = { [HANDLERS]?: Map<string, JobHandler> };

function handlers(): Map<string, JobHandler> {
  const holder = globalThis as Holder;
  holder[HANDLERS] ??= new Map();
  return holder[HANDLERS];
}

/** Kinds without a handler stay queued, untouched, until a handler for them is registered. */
export function registerJobHandler(kind: string, handler: JobHandler): () => void {
  handlers().set(kind, handler);
  return () => {
    if (handlers().get(kind) === handler) handlers().delete(kind);
  };
}

export type WorkerOptions = {
  workerId?: string;
  /** Claim only these workspaces' jobs (default: every workspace's). */
  workspaceIds?: string[];
  batch?: number;
  leaseMs?: number;
  maxAttempts?: number;
  /** Backoff before attempt n+1: base * 2^(n-1), capped, with jitter. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
};

export function backoffMs(
  attempt: number,
  baseMs: number,
  capMs: number,
  random = Math.random,
): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Claims and runs one batch; returns how many jobs it ran. */
export async function runOutboxOnce(options: WorkerOptions = {}, database?: Db): Promise<number> {
  const dbh = database ?? (await getDb());
  const workerId = options.workerId ?? `worker-${process.pid}`;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 12;
  const registry = handlers();
  const jobs = await claimJobs(dbh, {
    kinds: [...registry.keys()],
    limit: options.batch ?? 20,
    leaseMs,
    workerId,
    workspaceIds: options.workspaceIds,
  });
  await Promise.all(
    jobs.map(async (job) => {
      const handler = registry.get(job.kind);
      try {
        if (!handler) throw new Error(`no handler for ${job.kind}`);
        await handler(job);
        await markJobDone(dbh, job.id, workerId);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const last = error instanceof PermanentJobError || job.attempts >= maxAttempts;
        const delay = backoffMs(
          job.attempts,
          options.backoffBaseMs ?? 5_000,
          options.backoffCapMs ?? 3_600_000,
        );
        await markJobFailed(dbh, {
          id: job.id,
          workerId,
          error: message.slice(0, 2000),
          retryAt: last ? null : new Date(Date.now() + delay),
        });
      }
    }),
  );
  return jobs.length;
}

export type RunningWorker = { stop: () => Promise<void>; workerId: string };

/** Polls until stopped; periodic tasks (checkpoints) run on their own timers beside it. */
export function startOutboxWorker(
  options: WorkerOptions & { idleMs?: number; onError?: (e: unknown) => void } = {},
): RunningWorker {
  const workerId = options.workerId ?? `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  let stopped = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      let ran = 0;
      try {
        ran = await runOutboxOnce({ ...options, workerId });
      } catch (error) {
        (options.onError ?? ((e) => console.error('dial worker:', e)))(error);
      }
      if (ran === 0 && !stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.idleMs ?? 1_000);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  })();
  return {
    workerId,
    stop: async () => {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
