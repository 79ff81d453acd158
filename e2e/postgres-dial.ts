import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';

/**
 * A Dial of a spec's own, on a new, empty PostgreSQL database (no demo seed: that is the
 * embedded default's), sending its mail to an SMTP server the spec runs. The admin connection
 * comes from E2E_PG_ADMIN_URL (the test command passes the one it set up), else the local
 * default. `stop()` stops the server and drops the database.
 */

const repoRoot = path.resolve(__dirname, '..');

export type PostgresDial = {
  baseURL: string;
  /** For `dial.cli(args, { env })`: the CLI works on the same database. */
  env: Record<string, string>;
  log(): string;
  stop(): Promise<void>;
};

export async function startPostgresDial(options: {
  port: number;
  smtpPort: number;
  name: string;
}): Promise<PostgresDial> {
  const adminUrl = process.env.E2E_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `dial_e2e_${options.name}_${Date.now()}`;
  await adminQuery(adminUrl, `create database "${database}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const baseURL = `http://127.0.0.1:${options.port}`;
  const env = {
    DATABASE_URL: url.toString(),
    DIAL_SECRET: randomBytes(32).toString('hex'),
    DIAL_BASE_URL: baseURL,
    PORT: String(options.port),
    SMTP_URL: `smtp://127.0.0.1:${options.smtpPort}`,
    NO_COLOR: '1',
  };
  const lines: string[] = [];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.kill(-child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await adminQuery(adminUrl, `drop database if exists "${database}" with (force)`);
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`Dial on PostgreSQL exited at start:\n${lines.join('\n')}`);
    }
    const up = await fetch(`${baseURL}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Dial on PostgreSQL did not answer /healthz:\n${lines.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return { baseURL, env, log: () => lines.join('\n'), stop };
}

async function adminQuery(adminUrl: string, text: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
