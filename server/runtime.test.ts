import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The embedded database's owner in a real child process: a crash loses no acknowledged change
 * (rule 7), a killed owner's lock is taken over, and SIGTERM closes PGlite and frees the lock.
 */

const root = path.resolve(import.meta.dirname, '..');

function run(script: string, dataDir: string): ChildProcess {
  // Evaluated as CommonJS: an import() of a TypeScript module may put its exports under default.
  const use =
    'const use = async (p) => { const m = await import(p); return { ...m.default, ...m }; };';
  const body = `${use}(async () => {${script.replaceAll('await import(', 'await use(')}})().catch((e) => { console.error(e); process.exit(1); });`;
  // node --import tsx, not the tsx binary: that one runs a second process, which a SIGKILL misses.
  return spawn(process.execPath, ['--import', 'tsx', '-e', body], {
    cwd: root,
    env: { ...process.env, DIAL_DATA_DIR: dataDir, DATABASE_URL: '', DIAL_WORKER: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function waitFor(child: ChildProcess, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes(text)) resolve(out);
    });
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('exit', (code) =>
      reject(new Error(`exited ${code} before "${text}": ${out}\n${err}`)),
    );
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });

describe('the embedded database owner', () => {
  it('keeps an acknowledged opt-out through kill -9, and the next owner takes over the lock', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dial-crash-'));
    const writer = run(
      `
      const { startRuntime } = await import('./server/runtime.ts');
      const { requireWorkspace } = await import('./domain/workspaces.ts');
      const { findSubscriber } = await import('./domain/subscribers.ts');
      const { applyConsentFor } = await import('./domain/consent.ts');
      await startRuntime({ worker: false });
      const ws = await requireWorkspace('demo');
      const s = await findSubscriber(ws.id, { email: 'demo@example.com' });
      const r = await applyConsentFor({ workspaceId: ws.id, subscriberId: s.id, source: 'one_click', reduceOnly: true,
        changes: [{ type: 'subscription', category: 'promotions', channel: 'email', status: 'unsubscribed' }] });
      console.log('COMMITTED ' + r.ok);
      setInterval(() => {}, 1000);
      `,
      dir,
    );
    expect(await waitFor(writer, 'COMMITTED true')).toContain('COMMITTED true');
    writer.kill('SIGKILL');
    await exited(writer);
    expect(existsSync(path.join(dir, 'dial.lock'))).toBe(true); // left behind by the dead owner

    const reader = run(
      `
      const { check } = await import('./domain/check.ts');
      const { requireWorkspace } = await import('./domain/workspaces.ts');
      const { verifyWorkspace } = await import('./domain/chain.ts');
      const { closeDb } = await import('./db/client.ts');
      const ws = await requireWorkspace('demo');
      const answer = await check({ workspaceId: ws.id, subscriber: { email: 'demo@example.com' }, category: 'promotions', channel: 'email' });
      const verified = await verifyWorkspace(ws.id);
      console.log('ANSWER ' + JSON.stringify({ reason: answer.reason, ok: verified.ok }));
      await closeDb();
      `,
      dir,
    );
    const out = await waitFor(reader, 'ANSWER ');
    expect(out).toContain('ANSWER {"reason":"unsubscribed","ok":true}');
    expect(await exited(reader)).toBe(0);
  }, 90_000);

  it('on SIGTERM closes the database, removes the lock and socket, and exits 0', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dial-term-'));
    const owner = run(
      `
      const { startRuntime, stopRuntime } = await import('./server/runtime.ts');
      await startRuntime({ worker: true });
      process.on('SIGTERM', async () => { await stopRuntime(); process.exit(0); });
      console.log('READY');
      setInterval(() => {}, 1000);
      `,
      dir,
    );
    await waitFor(owner, 'READY');
    expect(existsSync(path.join(dir, 'dial.sock'))).toBe(true);
    // A second process is refused while the first owns the data dir.
    const second = run(
      `const { db } = await import('./db/client.ts'); await db(); console.log('OPENED');`,
      dir,
    );
    let secondErr = '';
    second.stderr?.on('data', (c: Buffer) => {
      secondErr += c.toString();
    });
    expect(await exited(second)).not.toBe(0);
    expect(secondErr).toMatch(/in use by process/);

    owner.kill('SIGTERM');
    expect(await exited(owner)).toBe(0);
    expect(existsSync(path.join(dir, 'dial.lock'))).toBe(false);
    expect(existsSync(path.join(dir, 'dial.sock'))).toBe(false);
  }, 90_000);
});
