/**
 * `npm run bench`: Dial's hot endpoints on PostgreSQL, against two baselines measured in the same
 * run on the same machine with the same load generator settings.
 *
 * - baseline "Next no-op": GET /api/ping, a route handler that does nothing, through Next's router
 *   in the Dial server process (what any route handler pays before doing its work);
 * - baseline "ceiling": scripts/bench-ceiling.mjs, a bare node:http server doing one indexed
 *   SELECT per request with a pg Pool of 10 (what Node and PostgreSQL can do here);
 * - single check: POST /api/v1/check, a different subscriber per request;
 * - bulk check: one POST /api/v1/check/bulk of 1,000,000 NDJSON references (two runs);
 * - one-click: POST /u/{token}/one-click, a different subscriber's token per request.
 *
 * It creates a fresh database `dial_bench_<timestamp>` (admin URL `DIAL_BENCH_PG_ADMIN_URL`),
 * starts Dial on it, seeds 100,000 subscribers, measures, prints one table, and drops the database
 * and stops every process it started on every exit path (Ctrl-C included). It exits 0 whether the
 * goals are met or not: it prints, people judge. Tests never assert timings.
 *
 * Settings (env): BENCH_SECONDS (10) per measured run, BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS
 * (50), BENCH_SUBSCRIBERS (100000), BENCH_ONE_CLICK_TOKENS (20000), BENCH_BULK_REFS (1000000),
 * BENCH_PORT (3400; the ceiling uses the next port), DIAL_FAST_PATH (on; `off` measures Next).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

// ---------------------------------------------------------------------------------------------
// Settings

const ROOT = path.resolve(import.meta.dirname, '..');
const ADMIN_URL =
  process.env.DIAL_BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const intEnv = (name: string, fallback: number) => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};
const SECONDS = intEnv('BENCH_SECONDS', 10);
const WARMUP_SECONDS = intEnv('BENCH_WARMUP_SECONDS', 2);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50);
const SUBSCRIBERS = intEnv('BENCH_SUBSCRIBERS', 100_000);
const TOKENS = intEnv('BENCH_ONE_CLICK_TOKENS', 20_000);
const BULK_REFS = intEnv('BENCH_BULK_REFS', 1_000_000);
/** Bulk references cycle over 1..BULK_CYCLE, so a third of them (above SUBSCRIBERS) are unknown. */
const BULK_CYCLE = Math.round(SUBSCRIBERS * 1.5);
const BULK_RUNS = 3;
const PORT = intEnv('BENCH_PORT', 3400);
const CEILING_PORT = PORT + 1;
const PIPELINING = 1;
const FAST_PATH = process.env.DIAL_FAST_PATH || 'on';
const DIST_DIR = process.env.NEXT_DIST_DIR || '.next';
/** Node's flags from `npm start` (the words between `node` and `--import`): Dial runs as there. */
const START_FLAGS = (() => {
  const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
  const words = String(scripts.start).split(/\s+/);
  return words.slice(1, Math.max(1, words.indexOf('--import')));
})();
const BASE = `http://127.0.0.1:${PORT}`;
const CATEGORY = 'promotions';
const CHANNEL = 'email';

const GOALS = {
  checkVsNext: 2.5,
  checkVsCeiling: 0.35,
  checkP99Ms: 25,
  bulkSeconds: 3,
  oneClickPerSecond: 1000,
};

// ---------------------------------------------------------------------------------------------
// autocannon (no type declarations ship with it: the part used here, typed)

type AcRequest = {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  setupRequest?: (request: AcRequest, context: unknown) => AcRequest;
};
type AcOptions = {
  url: string;
  connections: number;
  pipelining: number;
  duration?: number;
  amount?: number;
  timeout?: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: AcRequest[];
};
type AcResult = {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
};
type AcInstance = {
  stop: () => void;
  on: (
    event: 'response',
    listener: (client: unknown, status: number, bytes: number, ms: number) => void,
  ) => void;
};
const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: AcOptions,
  done: (error: Error | null, result: AcResult) => void,
) => AcInstance;

type LoadRun = {
  result: AcResult;
  instance: AcInstance;
};

function load(options: AcOptions, onStart?: (instance: AcInstance) => void): Promise<LoadRun> {
  return new Promise((resolve, reject) => {
    let instance: AcInstance | undefined;
    instance = autocannon({ timeout: 10, ...options }, (error, result) => {
      if (error || !instance) reject(error ?? new Error('autocannon gave no instance'));
      else resolve({ result, instance });
    });
    onStart?.(instance);
  });
}

// ---------------------------------------------------------------------------------------------
// Cleanup on every exit path

const children = new Set<ChildProcess>();
const cleanups: { name: string; run: () => Promise<void> }[] = [];
let cleaning: Promise<void> | undefined;

function onCleanup(name: string, run: () => Promise<void>) {
  cleanups.push({ name, run });
}

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const { name, run } of cleanups.reverse()) {
      try {
        await run();
      } catch (error) {
        console.error(`bench: cleanup "${name}" failed: ${(error as Error).message}`);
      }
    }
  })();
  return cleaning;
}

// Last resort (a synchronous exit): no child group outlives the bench.
process.on('exit', () => {
  for (const child of children) killGroup(child, 'SIGKILL', true);
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    console.error(`\nbench: ${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** Signals the child's process group; `evenIfLeaderExited` for members the leader left behind. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals, evenIfLeaderExited = false) {
  if (child.pid === undefined) return;
  if (!evenIfLeaderExited && (child.exitCode !== null || child.signalCode !== null)) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function stopChild(child: ChildProcess) {
  if (!children.has(child)) return;
  if (child.exitCode !== null || child.signalCode !== null) {
    killGroup(child, 'SIGKILL', true);
    children.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  // The group may hold more than the leader (Next's workers): make sure none is left.
  killGroup(child, 'SIGKILL', true);
  children.delete(child);
}

// ---------------------------------------------------------------------------------------------
// Processes

type Started = { child: ChildProcess; log: () => string };

function startGroup(name: string, args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > 60) lines.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  onCleanup(`stop ${name}`, () => stopChild(child));
  return { child, log: () => lines.map((l) => `    ${name}| ${l}`).join('\n') };
}

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
  inherit = false,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(args[0] as string, args.slice(1), {
      cwd: ROOT,
      env,
      stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function cli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  const out = await run([process.execPath, '--import', 'tsx', 'cli/dial.ts', ...args], env);
  if (out.code !== 0) {
    throw new Error(`dial ${args.join(' ')} failed (${out.code}):\n${out.stderr}${out.stdout}`);
  }
  return out.stdout.trim();
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(
  url: string,
  started: Started,
  what: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (started.child.exitCode !== null || started.child.signalCode !== null) {
      throw new Error(`${what} exited before answering ${url}:\n${started.log()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not answer ${url}:\n${started.log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const email = (n: number) => `u${n}@bench.example`;
const randomSubscriber = () => 1 + Math.floor(Math.random() * SUBSCRIBERS);
const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '-';
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? a / b : Number.NaN);
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const step = (message: string) => console.log(`bench: ${message}`);

/** The share of CPU time left idle over `ms` (other work on the machine skews every figure). */
async function cpuIdle(ms: number): Promise<number> {
  const total = () =>
    os.cpus().reduce(
      (acc, c) => {
        const t = c.times;
        acc.idle += t.idle;
        acc.all += t.user + t.nice + t.sys + t.irq + t.idle;
        return acc;
      },
      { idle: 0, all: 0 },
    );
  const a = total();
  await new Promise((r) => setTimeout(r, ms));
  const b = total();
  return (b.idle - a.idle) / Math.max(1, b.all - a.all);
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const value = await work();
  step(`${label} (${seconds(performance.now() - start)} s)`);
  return value;
}

function statuses(result: AcResult): string {
  return Object.entries(result.statusCodeStats)
    .map(([code, { count }]) => `${code}:${count}`)
    .join(' ');
}

// ---------------------------------------------------------------------------------------------
// Measurements

type Row = {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  note?: string;
};

function rowOf(name: string, result: AcResult, rps = result.requests.average): Row {
  return {
    name,
    rps,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    note: statuses(result),
  };
}

function checkBody(n: number): string {
  return JSON.stringify({ subscriber: { email: email(n) }, category: CATEGORY, channel: CHANNEL });
}

/** A duration run with a fresh random subscriber in every request's body. */
function checkLoad(url: string, apiKey: string | undefined, duration: number) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  return load({
    url,
    connections: CONNECTIONS,
    pipelining: PIPELINING,
    duration,
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (request) => ({ ...request, body: checkBody(randomSubscriber()) }),
      },
    ],
  });
}

async function measureGet(name: string, url: string): Promise<Row> {
  const options = { url, connections: CONNECTIONS, pipelining: PIPELINING };
  await load({ ...options, duration: WARMUP_SECONDS });
  const { result } = await load({ ...options, duration: SECONDS });
  return rowOf(name, result);
}

async function measureCheck(name: string, url: string, apiKey?: string): Promise<Row> {
  await checkLoad(url, apiKey, WARMUP_SECONDS);
  const { result } = await checkLoad(url, apiKey, SECONDS);
  return rowOf(name, result);
}

/**
 * One-click with a different token per request, `amount` requests at most, stopped after
 * BENCH_SECONDS if the tokens last longer. Rates are counted to the last answer (autocannon's own
 * duration rounds up to its next 1 s sample): committed opt-outs/s = 200 answers / the time from
 * the start to the last 200.
 */
async function oneClickLoad(paths: string[], maxSeconds: number) {
  let next = 0;
  let responses = 0;
  let lastResponse = 0;
  let ok = 0;
  let lastOk = 0;
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const { result } = await load(
    {
      url: BASE,
      connections: Math.min(CONNECTIONS, paths.length),
      pipelining: PIPELINING,
      amount: paths.length,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
          setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] }),
        },
      ],
    },
    (instance) => {
      instance.on('response', (_client, status) => {
        responses++;
        lastResponse = performance.now();
        if (status === 200) {
          ok++;
          lastOk = lastResponse;
        }
      });
      timer = setTimeout(() => instance.stop(), maxSeconds * 1000);
    },
  );
  clearTimeout(timer);
  const elapsed = ((lastResponse || performance.now()) - start) / 1000;
  const okElapsed = ((lastOk || performance.now()) - start) / 1000;
  return {
    result,
    ok,
    sent: Math.min(next, paths.length),
    elapsed: okElapsed,
    responsesPerSecond: responses / elapsed,
    perSecond: ok / okElapsed,
  };
}

type BulkRun = {
  status: number;
  ms: number;
  firstByteMs: number;
  lines: number;
  allowed: number;
  sample: string;
};

/**
 * The bulk body, `{"email":"u<n>@bench.example"}` lines, built once before any run is timed:
 * the load generator shares the machine's two cores with Dial and PostgreSQL, so it should
 * spend as little of them as it can while the clock runs (as autocannon's fixed bodies do).
 */
function bulkBody(refs: number): Buffer[] {
  const chunks: Buffer[] = [];
  const perChunk = 20_000;
  for (let i = 0; i < refs; ) {
    const end = Math.min(refs, i + perChunk);
    let text = '';
    for (; i < end; i++) text += `{"email":"${email((i % BULK_CYCLE) + 1)}"}\n`;
    chunks.push(Buffer.from(text, 'latin1'));
  }
  return chunks;
}

/** A one-line bulk request: is the endpoint there (a 404 or 405 says it is not)? */
async function bulkProbe(apiKey: string): Promise<{ status: number; text: string }> {
  const response = await fetch(
    `${BASE}/api/v1/check/bulk?category=${CATEGORY}&channel=${CHANNEL}`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-ndjson' },
      body: `{"email":"${email(1)}"}\n`,
    },
  );
  return { status: response.status, text: (await response.text()).slice(0, 300) };
}

/**
 * One bulk check over node:http (undici's web streams would cost the client more than the
 * server's answer does), counting lines and `"allowed":true` as the bytes arrive.
 */
function bulkCheck(apiKey: string, body: Buffer[]): Promise<BulkRun> {
  const needle = Buffer.from('"allowed":true');
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const request = http.request(
      `${BASE}/api/v1/check/bulk?category=${CATEGORY}&channel=${CHANNEL}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-ndjson' },
      },
      (response) => {
        const firstByteMs = performance.now() - start;
        let lines = 0;
        let allowed = 0;
        let sample = '';
        let carry = Buffer.alloc(0);
        let last = 10;
        response.on('data', (bytes: Buffer) => {
          if (bytes.length === 0) return;
          if (sample === '') sample = bytes.subarray(0, 300).toString('utf8').split('\n')[0] ?? '';
          for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) lines++;
          const scan = carry.length ? Buffer.concat([carry, bytes]) : bytes;
          for (
            let at = scan.indexOf(needle);
            at !== -1;
            at = scan.indexOf(needle, at + needle.length)
          )
            allowed++;
          // Keep a tail shorter than the needle, so a match split across chunks counts once.
          carry = Buffer.from(scan.subarray(Math.max(0, scan.length - (needle.length - 1))));
          last = bytes[bytes.length - 1] as number;
        });
        response.on('end', () => {
          if (last !== 10) lines++;
          const ok = response.statusCode === 200;
          resolve({
            status: response.statusCode ?? 0,
            ms: performance.now() - start,
            firstByteMs,
            lines: ok ? lines : 0,
            allowed: ok ? allowed : 0,
            sample,
          });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    let i = 0;
    const write = () => {
      while (i < body.length) {
        if (!request.write(body[i++])) return void request.once('drain', write);
      }
      request.end();
    };
    write();
  });
}

/** The expected number of allowed answers in the bulk body (refs 1..SUBSCRIBERS are subscribed). */
function expectedBulkAllowed(): number {
  const full = Math.floor(BULK_REFS / BULK_CYCLE);
  const rest = BULK_REFS % BULK_CYCLE;
  return full * SUBSCRIBERS + Math.min(rest, SUBSCRIBERS);
}

// ---------------------------------------------------------------------------------------------
// Unsubscribe tokens for one-click

function findOneClickUrl(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.oneClickUrl === 'string') return record.oneClickUrl;
  for (const inner of Object.values(record)) {
    const found = findOneClickUrl(inner);
    if (found) return found;
  }
  return undefined;
}

const pathOf = (url: string) => new URL(url).pathname;

/** POST /api/v1/links/bulk, if it exists: NDJSON refs in, NDJSON links out. Undefined if not. */
async function linksBulk(apiKey: string, count: number): Promise<string[] | undefined> {
  const shapes = [
    (n: number) => ({ email: email(n) }),
    (n: number) => ({ subscriber: { email: email(n) }, category: CATEGORY, channel: CHANNEL }),
  ];
  for (const shape of shapes) {
    let body = '';
    for (let n = 1; n <= count; n++) body += `${JSON.stringify(shape(n))}\n`;
    const response = await fetch(
      `${BASE}/api/v1/links/bulk?category=${CATEGORY}&channel=${CHANNEL}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-ndjson' },
        body,
      },
    );
    const text = await response.text();
    if (response.status === 404 || response.status === 405) return undefined;
    if (!response.ok) {
      step(`links/bulk answered ${response.status}: ${text.slice(0, 200)}`);
      continue;
    }
    const urls: string[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const url = findOneClickUrl(JSON.parse(line));
        if (url) urls.push(pathOf(url));
      } catch {
        // not a JSON line
      }
    }
    if (urls.length >= count * 0.9) return urls;
    step(
      `links/bulk gave ${urls.length} one-click URLs for ${count} refs; first line: ${
        text.split('\n')[0]?.slice(0, 200) ?? ''
      }`,
    );
  }
  return undefined;
}

/** POST /api/v1/links per subscriber, 20 at a time. */
async function linksOneByOne(apiKey: string, count: number): Promise<string[]> {
  const paths: string[] = new Array(count);
  let next = 1;
  let failures = 0;
  const worker = async () => {
    for (;;) {
      const n = next++;
      if (n > count) return;
      const response = await fetch(`${BASE}/api/v1/links`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: checkBody(n),
      });
      const body = (await response.json().catch(() => null)) as unknown;
      const url = response.ok ? findOneClickUrl(body) : undefined;
      if (url) paths[n - 1] = pathOf(url);
      else if (++failures <= 3)
        step(`links for ${email(n)}: ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  return paths.filter((p): p is string => typeof p === 'string');
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const startedAt = performance.now();
  const loadBefore = os.loadavg();
  const idleBefore = await cpuIdle(1000);
  step(`CPU idle before the run: ${Math.round(idleBefore * 100)}%`);
  const stamp = new Date()
    .toISOString()
    .replace(/[-:T.Z]/g, '')
    .slice(0, 17);
  const dbName = `dial_bench_${stamp}`;
  const databaseUrl = (() => {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    return url.toString();
  })();
  const secret = randomBytes(32).toString('hex');

  for (const port of [PORT, CEILING_PORT]) {
    if (await portInUse(port)) {
      throw new Error(`port ${port} is in use: stop what listens there, or set BENCH_PORT`);
    }
  }

  // 1. A fresh database, dropped on every way out.
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const pgVersion =
    (await admin.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]
      ?.v ?? '?';
  await admin.query(`create database ${dbName}`);
  await admin.end();
  step(`created database ${dbName}`);
  onCleanup('drop database', async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    try {
      await client.query(`drop database if exists ${dbName} with (force)`);
      step(`dropped database ${dbName}`);
    } finally {
      await client.end();
    }
  });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dial-bench-'));
  onCleanup('remove data dir', async () => rmSync(dataDir, { recursive: true, force: true }));

  // 2. A production build.
  if (!existsSync(path.join(ROOT, DIST_DIR, 'BUILD_ID'))) {
    step(`no production build (${DIST_DIR}/BUILD_ID): running npm run build`);
    const build = await run(['npm', 'run', 'build'], process.env, true);
    if (build.code !== 0) throw new Error('npm run build failed');
  }

  // 3. Dial on the bench database (start-up migrates it).
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(PORT),
    DATABASE_URL: databaseUrl,
    DIAL_SECRET: secret,
    DIAL_WORKER: 'off',
    DIAL_API_RATE_LIMIT: '100000000',
    DIAL_FAST_PATH: FAST_PATH,
    DIAL_DATA_DIR: dataDir,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    DIAL_BASE_URL: BASE,
  };
  const dial = await timed('Dial started and migrated', async () => {
    const started = startGroup('dial', [...START_FLAGS, '--import', 'tsx', 'server.ts'], env);
    await waitFor(`${BASE}/healthz`, started, 'Dial');
    return started;
  });

  // 4. Seed: the demo workspace and an API key through the CLI, then 100k subscribers with SQL.
  const apiKey = await timed('seeded the demo workspace, created an API key', async () => {
    await cli(env, 'seed');
    const out = await cli(env, 'api-key', 'create', '--workspace', 'demo', '--name', 'bench');
    const key = out.split('\n').pop()?.trim();
    if (!key) throw new Error('api-key create printed nothing');
    return key;
  });
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  onCleanup('close bench db connection', () => db.end());
  const workspaceId = await timed(`inserted ${fmt(SUBSCRIBERS)} subscribers`, async () => {
    const ws = await db.query<{ id: string; category_id: string }>(
      `select w.id, c.id as category_id from workspaces w
         join categories c on c.workspace_id = w.id and c.slug = $1
        where w.slug = 'demo'`,
      [CATEGORY],
    );
    const row = ws.rows[0];
    if (!row) throw new Error(`the demo workspace or its "${CATEGORY}" category is missing`);
    // These rows bypass the one door, so they have no ledger events (an empty chain per
    // subscriber, projection written directly): acceptable for a bench, never for real data.
    await db.query(
      `insert into subscribers (workspace_id, email)
       select $1, 'u' || n || '@bench.example' from generate_series(1, $2::int) n`,
      [row.id, SUBSCRIBERS],
    );
    await db.query(
      `insert into subscriptions
         (workspace_id, subscriber_id, category_id, channel, status, frequency, own_opt_out, updated_at)
       select $1, s.id, $2, $3, 'subscribed', 'instant', false, now()
         from subscribers s
        where s.workspace_id = $1 and s.email like 'u%@bench.example'`,
      [row.id, row.category_id, CHANNEL],
    );
    // A table just filled in bulk has not yet been vacuumed; a live one has (autovacuum).
    await db.query('vacuum analyze subscribers');
    await db.query('vacuum analyze subscriptions');
    return row.id;
  });

  // Sanity: a known subscriber is allowed, an unknown one is not.
  for (const n of [1, SUBSCRIBERS + 1]) {
    const response = await fetch(`${BASE}/api/v1/check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: checkBody(n),
    });
    step(`check ${email(n)}: ${response.status} ${await response.text()}`);
  }

  // The Next baseline needs a build that has the no-op route.
  const ping = await fetch(`${BASE}/api/ping`);
  await ping.arrayBuffer();
  const pingWarning =
    ping.status === 200
      ? undefined
      : `GET /api/ping answered ${ping.status}: the build in ${DIST_DIR} predates the no-op route, so the Next baseline measures something else. Run \`npm run build\` (or build into another dir with NEXT_DIST_DIR=.next-bench and run the bench with the same variable), then run the bench again.`;
  if (pingWarning) step(`WARNING: ${pingWarning}`);

  // One-click tokens, for distinct subscribers (not part of the figures).
  let linksHow = 'POST /api/v1/links/bulk';
  const tokenPaths = await timed(`prepared ${fmt(TOKENS)} one-click tokens`, async () => {
    const bulk = await linksBulk(apiKey, TOKENS);
    if (bulk) return bulk;
    linksHow = 'POST /api/v1/links, 20 at a time (no /api/v1/links/bulk)';
    return linksOneByOne(apiKey, TOKENS);
  });
  step(`tokens via ${linksHow}: ${fmt(tokenPaths.length)}`);

  // 5. Baselines.
  const ceiling = startGroup('ceiling', ['scripts/bench-ceiling.mjs'], {
    ...process.env,
    DATABASE_URL: databaseUrl,
    BENCH_WORKSPACE_ID: workspaceId,
    PORT: String(CEILING_PORT),
  });
  await waitFor(`http://127.0.0.1:${CEILING_PORT}/`, ceiling, 'the ceiling', 30_000);

  const rows: Row[] = [];
  const next = await timed('measured the Next no-op route', () =>
    measureGet('Next no-op (GET /api/ping)', `${BASE}/api/ping`),
  );
  rows.push(next);
  const top = await timed('measured the ceiling', () =>
    measureCheck('ceiling (node:http + pg, 1 SELECT)', `http://127.0.0.1:${CEILING_PORT}/`),
  );
  rows.push(top);
  await stopChild(ceiling.child);

  // 6. Targets.
  const single = await timed('measured single check', () =>
    measureCheck('single check (POST /api/v1/check)', `${BASE}/api/v1/check`, apiKey),
  );
  rows.push(single);

  const bulkRuns: BulkRun[] = [];
  const probe = await bulkProbe(apiKey);
  const bulkAvailable = probe.status !== 404 && probe.status !== 405;
  if (bulkAvailable) step(`bulk check probe (1 ref): ${probe.status} ${probe.text.trim()}`);
  else step('bulk check: not available');
  const body = bulkAvailable ? bulkBody(BULK_REFS) : [];
  for (let i = 0; i < BULK_RUNS && bulkAvailable; i++) {
    const result = await bulkCheck(apiKey, body).catch(
      (error: Error): BulkRun => ({
        status: 0,
        ms: 0,
        firstByteMs: 0,
        lines: 0,
        allowed: 0,
        sample: `request failed: ${error.message} ${String((error.cause as Error)?.message ?? '')}`,
      }),
    );
    bulkRuns.push(result);
    step(
      `bulk check run ${i + 1}: ${result.status}, ${seconds(result.ms)} s, first byte ${seconds(
        result.firstByteMs,
      )} s, ${fmt(result.lines)} lines, ${fmt(result.allowed)} allowed (expected ${fmt(
        expectedBulkAllowed(),
      )}); first line: ${result.sample}`,
    );
  }
  const goodBulk = bulkRuns.filter((r) => r.status === 200 && r.lines === BULK_REFS);
  const bestBulk = goodBulk.sort((a, b) => a.ms - b.ms)[0];

  const warmCount = Math.min(1000, Math.floor(tokenPaths.length / 10));
  const oneClickWarm =
    warmCount >= CONNECTIONS
      ? await oneClickLoad(tokenPaths.slice(0, warmCount), WARMUP_SECONDS * 5)
      : undefined;
  const measuredPaths = tokenPaths.slice(oneClickWarm ? warmCount : 0);
  const oneClick = await timed('measured one-click', () => oneClickLoad(measuredPaths, SECONDS));
  const oneClickRow = rowOf(
    'one-click (POST /u/{token}/one-click)',
    oneClick.result,
    oneClick.responsesPerSecond,
  );
  rows.push(oneClickRow);
  const ledger = await db.query<{ events: string; subscribers: string }>(
    `select count(*) as events, count(distinct subscriber_id) as subscribers
       from consent_events where source = 'one_click'`,
  );
  const ledgerEvents = Number(ledger.rows[0]?.events ?? 0);
  const ledgerSubscribers = Number(ledger.rows[0]?.subscribers ?? 0);
  const okTotal = oneClick.ok + (oneClickWarm?.ok ?? 0);

  await stopChild(dial.child);
  const dialLog = dial.log();

  // 7. The report.
  const cpus = os.cpus();
  console.log('');
  console.log('Dial bench');
  console.log(
    `  machine:  ${cpus.length} cores (${cpus[0]?.model.trim() ?? '?'}), ${fmt(
      os.totalmem() / 2 ** 30,
      1,
    )} GiB, ${os.platform()} ${os.release()}, Node ${process.version}, PostgreSQL ${pgVersion}`,
  );
  const loadAfter = os.loadavg();
  console.log(
    `  load:     CPU idle ${Math.round(idleBefore * 100)}% just before the run; 1-min load average ${loadBefore[0]?.toFixed(
      2,
    )} at the start, ${loadAfter[0]?.toFixed(2)} at the end${
      idleBefore < 0.8 ? ' (other work shared the cores: the figures understate this machine)' : ''
    }`,
  );
  console.log(
    `  settings: autocannon ${CONNECTIONS} connections, pipelining ${PIPELINING}, ${SECONDS} s per run after a ${WARMUP_SECONDS} s warm-up, load generator in the same machine; ${fmt(
      SUBSCRIBERS,
    )} subscribers (vacuumed); Dial started as \`npm start\` does (node ${START_FLAGS.join(' ') || 'without flags'}); fast path ${FAST_PATH}; ceiling pg Pool(max 10)`,
  );
  console.log(
    `  one-click: ${fmt(tokenPaths.length)} tokens (${linksHow}), ${oneClickWarm ? fmt(warmCount) : 0} used to warm up; bulk: ${fmt(
      BULK_REFS,
    )} refs cycling over 1..${fmt(BULK_CYCLE)}, ${BULK_RUNS} runs, the body built before the clock starts and sent over node:http`,
  );
  console.log('');

  const header = [
    'target',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'non-2xx',
    'req/s x Next no-op',
    'req/s x ceiling',
    'p99 x Next no-op',
    'p99 x ceiling',
  ];
  const table: string[][] = rows.map((r) => [
    r.name,
    fmt(r.rps),
    fmt(r.p50),
    fmt(r.p99),
    fmt(r.errors),
    fmt(r.non2xx),
    `${fmt(ratio(r.rps, next.rps), 2)}x`,
    `${fmt(ratio(r.rps, top.rps), 2)}x`,
    `${fmt(ratio(r.p99, next.p99), 2)}x`,
    `${fmt(ratio(r.p99, top.p99), 2)}x`,
  ]);
  if (bestBulk) {
    const refsPerSecond = BULK_REFS / (bestBulk.ms / 1000);
    table.push([
      'bulk check, refs/s (1 request)',
      fmt(refsPerSecond),
      '-',
      '-',
      '-',
      '-',
      `${fmt(ratio(refsPerSecond, next.rps), 2)}x`,
      `${fmt(ratio(refsPerSecond, top.rps), 2)}x`,
      '-',
      '-',
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`;
  console.log(line(header));
  console.log(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of table) console.log(line(r));
  console.log('');
  for (const r of rows) console.log(`  status codes, ${r.name}: ${r.note || '-'}`);
  console.log('');

  console.log(
    `  one-click: ${fmt(oneClick.ok)} committed opt-outs (200) in ${seconds(
      oneClick.elapsed * 1000,
    )} s = ${fmt(oneClick.perSecond)} committed/s (${fmt(oneClick.sent)} sent${
      oneClick.sent >= measuredPaths.length ? ', tokens ran out' : ''
    }); ledger: ${fmt(ledgerEvents)} one_click events for ${fmt(
      ledgerSubscribers,
    )} subscribers (200s incl. warm-up: ${fmt(okTotal)}${
      ledgerEvents > okTotal ? '; the others were in flight when the run stopped' : ''
    })`,
  );
  if (!bulkAvailable) console.log('  bulk check: not available');
  else {
    const all = bulkRuns
      .map(
        (r, i) =>
          `run ${i + 1}: ${r.status === 200 ? `${seconds(r.ms)} s, ${fmt(r.lines)} lines, ${fmt(r.allowed)} allowed` : `status ${r.status}`}`,
      )
      .join('; ');
    console.log(
      `  bulk check: ${
        bestBulk
          ? `best ${seconds(bestBulk.ms)} s = ${fmt(BULK_REFS / (bestBulk.ms / 1000))} refs/s`
          : 'no complete run'
      } (${all}; expected ${fmt(BULK_REFS)} lines, ${fmt(expectedBulkAllowed())} allowed)`,
    );
  }
  console.log('');

  const verdict = (ok: boolean | undefined) =>
    ok === undefined ? 'not measured' : ok ? 'goal met' : 'goal missed';
  const goals: [string, string, boolean | undefined][] = [
    [
      `single check >= ${GOALS.checkVsNext}x Next no-op`,
      `${fmt(ratio(single.rps, next.rps), 2)}x`,
      ratio(single.rps, next.rps) >= GOALS.checkVsNext,
    ],
    [
      `single check >= ${GOALS.checkVsCeiling}x ceiling`,
      `${fmt(ratio(single.rps, top.rps), 2)}x`,
      ratio(single.rps, top.rps) >= GOALS.checkVsCeiling,
    ],
    [
      `single check p99 <= ${GOALS.checkP99Ms} ms at ${CONNECTIONS} connections`,
      `${fmt(single.p99)} ms`,
      single.p99 <= GOALS.checkP99Ms && single.errors === 0 && single.non2xx === 0,
    ],
    [
      `bulk ${fmt(BULK_REFS)} refs <= ${GOALS.bulkSeconds} s`,
      bestBulk ? `${seconds(bestBulk.ms)} s` : bulkAvailable ? 'no complete run' : 'not available',
      bestBulk ? bestBulk.ms <= GOALS.bulkSeconds * 1000 : bulkAvailable ? false : undefined,
    ],
    [
      `one-click >= ${fmt(GOALS.oneClickPerSecond)} committed opt-outs/s`,
      `${fmt(oneClick.perSecond)}/s`,
      oneClick.perSecond >= GOALS.oneClickPerSecond,
    ],
  ];
  const goalWidth = Math.max(...goals.map(([g]) => g.length));
  const valueWidth = Math.max(...goals.map(([, v]) => v.length));
  for (const [goal, value, ok] of goals)
    console.log(`  ${goal.padEnd(goalWidth)}  ${value.padStart(valueWidth)}  ${verdict(ok)}`);
  console.log('');
  if (pingWarning) {
    console.log(`  WARNING: ${pingWarning}`);
    console.log('');
  }
  const errorLines = dialLog.split('\n').filter((l) => /error|failed/i.test(l));
  if (errorLines.length) {
    console.log('  Dial logged errors (last lines):');
    console.log(errorLines.slice(-10).join('\n'));
    console.log('');
  }
  step(`total ${seconds(performance.now() - startedAt)} s`);
}

main()
  .then(
    () => 0,
    (error: unknown) => {
      console.error(`bench: failed: ${(error as Error)?.stack ?? error}`);
      return 1;
    },
  )
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  });
