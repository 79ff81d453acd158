import { spawn } from 'node:child_process';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { Api, AxeMirror, audit } from './support';

/** The repository root (this file lives in <root>/e2e). */
const repoRoot = path.resolve(__dirname, '..');

export interface CliResult {
  stdout: string;
  stderr: string;
  /** The exit status: non-zero on failure, 124 if the CLI was killed after its timeout. */
  code: number;
}

export interface CliOptions {
  /** Extra environment variables for this call. */
  env?: Record<string, string>;
  /** Text written to the CLI's stdin (stdin is closed either way). */
  input?: string;
  /** Kill the CLI after this many milliseconds (default 60 s). */
  timeoutMs?: number;
}

export interface DialFixture {
  /** The running e2e server's data dir (its PGlite database, Unix socket, ...). */
  dataDir: string;
  /** The running e2e server's base URL, e.g. http://127.0.0.1:3100. */
  baseURL: string;
  /**
   * Runs `npm run -s dial -- ...args` from the repository root against the running e2e server.
   * Resolves with the exit status instead of throwing on a non-zero exit.
   */
  cli(args: string[], options?: CliOptions): Promise<CliResult>;
}

function e2eEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e tests with \`npx playwright test\``);
  return value;
}

function runCli(args: string[], env: NodeJS.ProcessEnv, options: CliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // Own process group, so a timeout kills npm and the tsx/node processes under it.
    const child = spawn('npm', ['run', '-s', 'dial', '--', ...args], {
      cwd: repoRoot,
      env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut)
        stderr += `\n[e2e] dial ${args.join(' ')}: killed after ${options.timeoutMs ?? 60_000} ms`;
      resolve({ stdout, stderr, code: timedOut ? 124 : (code ?? (signal ? 128 : 1)) });
    });
    child.stdin.on('error', () => {
      // the CLI may exit without reading its input
    });
    child.stdin.end(options.input ?? '');
  });
}

/** The environment the CLI runs in: the running e2e server's data dir, port and origin. */
function cliEnv(serverURL: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DIAL_DATA_DIR: e2eEnv('E2E_DATA_DIR'),
    PORT: e2eEnv('E2E_PORT'),
    DIAL_BASE_URL: serverURL,
    DATABASE_URL: '',
    NO_COLOR: '1',
    ...extra,
  };
  // Playwright's workers force colours; the CLI's output should be plain text.
  delete env.FORCE_COLOR;
  return env;
}

export interface TestFixtures {
  dial: DialFixture;
  /** The demo workspace's sender API. */
  api: Api;
  /**
   * After a page load: axe finds nothing serious or critical, and a full-page screenshot named
   * `step` is attached to the test (kept in test-results/).
   */
  audit: (page: Page, step: string) => Promise<void>;
}

export interface WorkerFixtures {
  demoApiKey: string;
  axeMirror: AxeMirror;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  dial: async ({ baseURL }, use) => {
    const dataDir = e2eEnv('E2E_DATA_DIR');
    const serverURL = baseURL ?? e2eEnv('E2E_BASE_URL');
    const cli = (args: string[], options: CliOptions = {}): Promise<CliResult> =>
      runCli(args, cliEnv(serverURL, options.env), options);
    await use({ dataDir, baseURL: serverURL, cli });
  },

  /** One write-scoped API key of the demo workspace per worker, made with the CLI. */
  demoApiKey: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern; this one has none.
    async ({}, use) => {
      const created = await runCli(
        ['api-key', 'create', '--workspace', 'demo', '--name', 'e2e'],
        cliEnv(e2eEnv('E2E_BASE_URL')),
        {},
      );
      if (created.code !== 0) throw new Error(`api-key create failed: ${created.stderr}`);
      await use(created.stdout.trim());
    },
    { scope: 'worker' },
  ],

  /** The sender API of the demo workspace, for setting up subscribers and reading the ledger. */
  api: async ({ request, demoApiKey }, use) => {
    await use(new Api(request, demoApiKey));
  },

  /** Where pages without JavaScript are audited (see AxeMirror). */
  axeMirror: [
    async ({ browser }, use) => {
      const mirror = new AxeMirror(browser);
      await use(mirror);
      await mirror.dispose();
    },
    { scope: 'worker' },
  ],

  audit: async ({ axeMirror, javaScriptEnabled }, use, testInfo) => {
    await use((page, step) =>
      audit(page, step, { testInfo, mirror: javaScriptEnabled ? undefined : axeMirror }),
    );
  },
});

export { expect };
