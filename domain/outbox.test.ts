import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { closeDb, db } from '@/db/client';
import { findJob, insertJobs } from '@/db/queries/outbox';
import {
  backoffMs,
  type Job,
  PermanentJobError,
  registerJobHandler,
  runOutboxOnce,
  startOutboxWorker,
} from './outbox';
import { makeWorkspace } from './test-fixtures';

afterAll(() => closeDb());
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A job kind of its own per test, so tests sharing a database never claim each other's jobs. */
function kind() {
  return `test.${randomUUID()}`;
}

async function enqueue(k: string, count = 1) {
  const dbh = await db();
  return insertJobs(
    dbh,
    Array.from({ length: count }, (_, i) => ({ kind: k, payload: { n: i } })),
  );
}

describe('outbox worker', () => {
  it('runs a job and marks it done', async () => {
    const k = kind();
    const seen: Job[] = [];
    cleanups.push(registerJobHandler(k, async (job) => void seen.push(job)));
    const [job] = await enqueue(k);
    expect(await runOutboxOnce({ workerId: 'w1' })).toBeGreaterThanOrEqual(1);
    expect(seen.map((j) => j.id)).toEqual([job?.id]);
    const row = await findJob(await db(), job!.id);
    expect(row).toMatchObject({ status: 'done', attempts: 1 });
  });

  it("claims only the named workspaces' jobs when asked to", async () => {
    const k = kind();
    const seen: Job[] = [];
    cleanups.push(registerJobHandler(k, async (job) => void seen.push(job)));
    const [a, b] = [
      (await makeWorkspace('outbox-a')).workspaceId,
      (await makeWorkspace('outbox-b')).workspaceId,
    ];
    await insertJobs(await db(), [
      { workspaceId: a, kind: k, payload: {} },
      { workspaceId: b, kind: k, payload: {} },
    ]);
    expect(await runOutboxOnce({ workerId: 'wa', workspaceIds: [a] })).toBe(1);
    expect(seen.map((j) => j.workspaceId)).toEqual([a]);
    expect(await runOutboxOnce({ workerId: 'wb', workspaceIds: [b] })).toBe(1);
    expect(seen.map((j) => j.workspaceId)).toEqual([a, b]);
  });

  it('retries a failing job with backoff, then succeeds; records the error meanwhile', async () => {
    const k = kind();
    let calls = 0;
    cleanups.push(
      registerJobHandler(k, async () => {
        calls += 1;
        if (calls < 3) throw new Error(`boom ${calls}`);
      }),
    );
    const [job] = await enqueue(k);
    const dbh = await db();
    await runOutboxOnce({ workerId: 'w', backoffBaseMs: 1, backoffCapMs: 2 });
    expect(await findJob(dbh, job!.id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'boom 1',
    });
    for (let i = 0; i < 20 && calls < 3; i++) {
      await new Promise((r) => setTimeout(r, 10));
      await runOutboxOnce({ workerId: 'w', backoffBaseMs: 1, backoffCapMs: 2 });
    }
    expect(await findJob(dbh, job!.id)).toMatchObject({ status: 'done', attempts: 3 });
  });

  it('gives up after the last attempt, and at once on a permanent error', async () => {
    const k = kind();
    cleanups.push(
      registerJobHandler(k, async (job) => {
        if (job.payload.n === 0) throw new PermanentJobError('bad address');
        throw new Error('still down');
      }),
    );
    const [permanent, flaky] = await enqueue(k, 2);
    const dbh = await db();
    for (let i = 0; i < 10; i++) {
      await runOutboxOnce({ workerId: 'w', maxAttempts: 3, backoffBaseMs: 1, backoffCapMs: 1 });
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await findJob(dbh, permanent!.id)).toMatchObject({
      status: 'dead',
      attempts: 1,
      lastError: 'bad address',
    });
    expect(await findJob(dbh, flaky!.id)).toMatchObject({ status: 'dead', attempts: 3 });
  });

  it('claims a job again when the lease of a worker that died runs out (at-least-once)', async () => {
    const k = kind();
    const runs: string[] = [];
    let hang = true;
    cleanups.push(
      registerJobHandler(k, async (job) => {
        runs.push(job.id);
        if (hang) await new Promise(() => undefined); // the "dead" worker never finishes
      }),
    );
    const [job] = await enqueue(k);
    // The lease is long enough that a busy machine cannot let it run out before the second
    // worker asks; the test then waits it out.
    const leaseMs = 2_000;
    void runOutboxOnce({ workerId: 'dies', leaseMs });
    await vi.waitFor(() => expect(runs).toHaveLength(1));
    const claimed = Date.now(); // the lease was taken before the handler started
    expect(await runOutboxOnce({ workerId: 'other', leaseMs })).toBe(0); // leased: not claimed
    hang = false;
    await new Promise((r) => setTimeout(r, claimed + leaseMs + 100 - Date.now()));
    expect(await runOutboxOnce({ workerId: 'other', leaseMs })).toBe(1);
    expect(runs).toEqual([job?.id, job?.id]);
    expect(await findJob(await db(), job!.id)).toMatchObject({
      status: 'done',
      lockedBy: 'other',
      attempts: 2,
    });
  });

  it('leaves kinds without a handler queued and untouched', async () => {
    const [job] = await enqueue(kind());
    await runOutboxOnce({ workerId: 'w' });
    expect(await findJob(await db(), job!.id)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('two workers at once run each job once', async () => {
    const k = kind();
    const runs = new Map<string, number>();
    cleanups.push(
      registerJobHandler(k, async (job) => {
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 2));
      }),
    );
    const jobs = await enqueue(k, 40);
    const a = startOutboxWorker({ workerId: 'a', idleMs: 10, batch: 5 });
    const b = startOutboxWorker({ workerId: 'b', idleMs: 10, batch: 5 });
    for (let i = 0; i < 200 && runs.size < jobs.length; i++)
      await new Promise((r) => setTimeout(r, 20));
    await Promise.all([a.stop(), b.stop()]);
    expect(runs.size).toBe(40);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffMs(30, 1000, 60_000, () => 1)).toBe(60_000);
  });
});
