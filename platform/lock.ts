import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * PGlite has no file lock of its own: two processes opening one data dir silently diverge.
 * The owner writes its pid into `dial.lock`; a lock whose pid is gone is stale and taken over.
 */
export type LockInfo = { pid: number; startedAt: string };

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly owner: LockInfo,
  ) {
    super(
      `The data directory ${dir} is in use by process ${owner.pid} (since ${owner.startedAt}). ` +
        'Stop that process first, or point DIAL_DATA_DIR elsewhere.',
    );
  }
}

export function lockPath(dir: string): string {
  return path.join(dir, 'dial.lock');
}

export function readLock(dir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockPath(dir), 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws DataDirLockedError. Returns the function that releases it. */
export function acquireDataDirLock(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = lockPath(dir);
  const mine: LockInfo = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
      return () => releaseDataDirLock(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readLock(dir);
    if (owner && owner.pid === process.pid) return () => releaseDataDirLock(dir);
    if (owner && isAlive(owner.pid)) throw new DataDirLockedError(dir, owner);
    // Stale (its owner died without cleaning up) or unreadable: take it over.
    try {
      unlinkSync(file);
    } catch {
      // Someone else removed it first; the next attempt decides.
    }
  }
  const owner = readLock(dir);
  throw new DataDirLockedError(dir, owner ?? { pid: -1, startedAt: 'unknown' });
}

export function releaseDataDirLock(dir: string): void {
  const owner = readLock(dir);
  if (owner?.pid !== process.pid) return;
  try {
    unlinkSync(lockPath(dir));
  } catch {
    // Already gone.
  }
}
