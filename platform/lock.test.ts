import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, lockPath, readLock } from './lock';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'dial-lock-'));

describe('data dir lock', () => {
  it('writes the owner pid and removes the file on release', () => {
    const dir = tmp();
    const release = acquireDataDirLock(dir);
    expect(readLock(dir)?.pid).toBe(process.pid);
    release();
    expect(readLock(dir)).toBeUndefined();
  });

  it('refuses a lock held by a live process, naming it', async () => {
    const dir = tmp();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(
        lockPath(dir),
        JSON.stringify({ pid: child.pid, startedAt: '2026-01-01T00:00:00Z' }),
      );
      expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
      expect(() => acquireDataDirLock(dir)).toThrow(new RegExp(`process ${child.pid}`));
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('takes over a stale lock whose owner is gone', async () => {
    const dir = tmp();
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    writeFileSync(
      lockPath(dir),
      JSON.stringify({ pid: child.pid, startedAt: '2026-01-01T00:00:00Z' }),
    );
    const release = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(lockPath(dir), 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('takes over an unreadable lock file', () => {
    const dir = tmp();
    writeFileSync(lockPath(dir), 'garbage');
    acquireDataDirLock(dir)();
  });
});
