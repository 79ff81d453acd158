import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests against the production build (`npm run build` first), served by
 * `npm start` on the embedded PGlite default with a fresh data dir per run.
 *
 * This file is evaluated by the runner and again by every worker; workers inherit the
 * runner's environment, so the values below are computed once (`??=`) and then shared with
 * the spec files through process.env (see e2e/fixtures.ts).
 */
process.env.E2E_PORT ??= '3100';
process.env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'dial-e2e-'));
process.env.E2E_BASE_URL ??= `http://127.0.0.1:${process.env.E2E_PORT}`;

// A second Dial whose mail goes to a real SMTP server the embed spec runs, and the demo shop that
// embeds it from another site (localhost against 127.0.0.1).
process.env.E2E_SMTP_PORT ??= '3125';
process.env.E2E_MAIL_PORT ??= '3102';
process.env.E2E_MAIL_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'dial-e2e-mail-'));
process.env.E2E_HOST_PORT ??= '3301';
// The admin journey's own Dial on PostgreSQL and the SMTP server that catches its mail.
process.env.E2E_JOURNEY_PORT ??= '3104';
process.env.E2E_JOURNEY_SMTP_PORT ??= '3126';

const port = process.env.E2E_PORT;
const dataDir = process.env.E2E_DATA_DIR;
const baseURL = process.env.E2E_BASE_URL;

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? 'list' : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
          ],
        },
      },
    },
  ],
  webServer: [
    {
      // Playwright starts this in its own process group and signals the whole group on exit,
      // so the server started by npm -> tsx is stopped too.
      command: 'npm start',
      url: `${baseURL}/healthz`,
      env: {
        PORT: port,
        DIAL_DATA_DIR: dataDir,
        DIAL_BASE_URL: baseURL,
        NODE_ENV: 'production',
        // The e2e server runs on the embedded PGlite default, even when the shell has a DATABASE_URL.
        DATABASE_URL: '',
      },
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
    {
      command: 'npm start',
      url: `http://127.0.0.1:${process.env.E2E_MAIL_PORT}/healthz`,
      env: {
        PORT: process.env.E2E_MAIL_PORT,
        DIAL_DATA_DIR: process.env.E2E_MAIL_DATA_DIR,
        DIAL_BASE_URL: `http://127.0.0.1:${process.env.E2E_MAIL_PORT}`,
        SMTP_URL: `smtp://127.0.0.1:${process.env.E2E_SMTP_PORT}`,
        NODE_ENV: 'production',
        DATABASE_URL: '',
      },
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
    {
      command: 'node scripts/demo-host.mjs',
      url: `http://127.0.0.1:${process.env.E2E_HOST_PORT}/`,
      env: {
        DEMO_HOST_PORT: process.env.E2E_HOST_PORT,
        DIAL_URL: `http://127.0.0.1:${process.env.E2E_MAIL_PORT}`,
      },
      timeout: 30_000,
      reuseExistingServer: false,
    },
  ],
});
