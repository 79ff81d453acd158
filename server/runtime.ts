import { runCommand } from '@/cli/commands';
import { closeDb, db, dbKind } from '@/db/client';
import { listWorkspaceIds } from '@/db/queries/outbox';
import { registerAdminJobs } from '@/domain/admins';
import { flushKeyUsage } from '@/domain/api-keys';
import { writeCheckpoint } from '@/domain/chain';
import { expirePendingConsents } from '@/domain/embed';
import { registerImportJobs } from '@/domain/imports';
import { registerMailJobs } from '@/domain/mail-jobs';
import { type RunningWorker, startOutboxWorker } from '@/domain/outbox';
import { seedDemo } from '@/domain/seed';
import { registerWebhookJobs } from '@/domain/webhooks';
import { config } from '@/platform/config';
import { startControlServer } from './control';

/**
 * What one Dial process runs besides HTTP: the database (migrated on open), the demo seed on the
 * embedded default, the CLI's control socket, the outbox worker and periodic ledger checkpoints.
 * Started once per process (guarded on globalThis) by server.ts, or by instrumentation under
 * `next dev`, and stopped cleanly on SIGTERM so PGlite closes its files.
 */

export type Runtime = { stop: () => Promise<void>; seeded: boolean };

const KEY = Symbol.for('dial.runtime');
type Holder = { [KEY]?: Promise<Runtime> };

export function startRuntime(options: { worker?: boolean } = {}): Promise<Runtime> {
  const holder = globalThis as Holder;
  holder[KEY] ??= boot(options);
  return holder[KEY];
}

export async function stopRuntime(): Promise<void> {
  const holder = globalThis as Holder;
  const running = holder[KEY];
  if (!running) return;
  delete holder[KEY];
  await (await running).stop();
}

async function boot(options: { worker?: boolean }): Promise<Runtime> {
  const cfg = config();
  await db();
  const kind = await dbKind();
  const stops: (() => Promise<void>)[] = [];
  let seeded = false;
  if (kind === 'pglite') {
    await seedDemo();
    seeded = true;
    if (cfg.dataDir !== 'memory://') {
      const control = await startControlServer(cfg.dataDir, runCommand);
      stops.push(control.close);
    }
  }
  registerMailJobs();
  registerAdminJobs();
  registerWebhookJobs();
  registerImportJobs();
  if (options.worker ?? cfg.worker) {
    const worker: RunningWorker = startOutboxWorker();
    stops.push(worker.stop);
    stops.push(startCheckpoints(cfg.checkpointMinutes * 60_000));
    stops.push(startPendingExpiry(10 * 60_000));
  }
  stops.push(startKeyUsageFlush(60_000));
  return {
    seeded,
    stop: async () => {
      for (const stop of stops.reverse())
        await stop().catch((e) => console.error('dial: while stopping:', e));
      await closeDb();
    },
  };
}

/** Records every workspace's chain heads on a timer (and once shortly after start). */
export function startCheckpoints(everyMs: number): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      try {
        const dbh = await db();
        for (const { id } of await listWorkspaceIds(dbh)) await writeCheckpoint(id, dbh);
      } catch (error) {
        console.error('dial: checkpoint failed:', error);
      }
    })();
  };
  const first = setTimeout(tick, 5_000);
  const timer = setInterval(tick, everyMs);
  first.unref();
  timer.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}

/** Double opt-ins never confirmed expire (source `expiry`); several instances may run it at once. */
export function startPendingExpiry(everyMs: number): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = expirePendingConsents()
      .then(() => undefined)
      .catch((error: unknown) => console.error('dial: expiring pending consents failed:', error));
  };
  const first = setTimeout(tick, 15_000);
  const timer = setInterval(tick, everyMs);
  first.unref();
  timer.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}

/** API keys' last use, written at most once a minute (requests themselves write nothing). */
export function startKeyUsageFlush(everyMs: number): () => Promise<void> {
  const flush = () =>
    flushKeyUsage().catch((error: unknown) =>
      console.error('dial: writing API key use failed:', error),
    );
  const timer = setInterval(() => void flush(), everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await flush();
  };
}
