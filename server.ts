import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import next from 'next';
import { buildLinks } from '@/domain/links';
import { DEMO_EMAIL, DEMO_SLUG } from '@/domain/seed';
import { findSubscriber } from '@/domain/subscribers';
import { requireWorkspace } from '@/domain/workspaces';
import { ConfigError, config, exportNextEnvironment } from '@/platform/config';
import { DataDirLockedError } from '@/platform/lock';
import { serveFast } from '@/server/fast-path';
import { startRuntime, stopRuntime } from '@/server/runtime';

/**
 * `npm start`: one process that owns the database, runs the worker and serves Next. It writes
 * the socket's peer address into `x-dial-remote-addr` (after dropping any such header a client
 * sent) so evidence records who really called.
 */

const dev = process.argv.includes('--dev');

async function main() {
  const cfg = config();
  if (!dev && !existsSync(path.join(process.cwd(), cfg.nextDistDir, 'BUILD_ID'))) {
    console.error(
      'dial: there is no production build. Run `npm run build` first (or `npm run dev`).',
    );
    process.exit(1);
  }
  exportNextEnvironment(cfg);
  const runtime = await startRuntime();
  const app = next({ dev, dir: process.cwd(), port: cfg.port });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = http.createServer((req, res) => {
    delete req.headers['x-dial-remote-addr'];
    if (!cfg.trustProxy) delete req.headers['x-forwarded-for'];
    req.headers['x-dial-remote-addr'] = req.socket.remoteAddress ?? '';
    if (!cfg.fastPath) return void handle(req, res);
    serveFast(req, res).then(
      (served) => {
        if (!served) void handle(req, res);
      },
      (error: unknown) => {
        console.error('dial: fast path failed:', error);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      },
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(cfg.port, resolve));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`dial: ${signal} received, shutting down`);
    server.close();
    server.closeIdleConnections();
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await stopRuntime();
      await app.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await printWelcome(cfg.baseUrl, runtime.seeded);
}

async function printWelcome(baseUrl: string, seeded: boolean) {
  const lines = [
    '',
    `Dial is running at ${baseUrl}`,
    `  Home:            ${baseUrl}/`,
    `  Health:          ${baseUrl}/healthz`,
    `  API document:    ${baseUrl}/api/v1/openapi.json`,
  ];
  if (seeded) {
    const workspace = await requireWorkspace(DEMO_SLUG);
    const subscriber = await findSubscriber(workspace.id, { email: DEMO_EMAIL });
    if (subscriber) {
      const links = await buildLinks({ workspace, subscriberId: subscriber.id, channel: 'email' });
      lines.push(
        `  Demo workspace:  "${DEMO_SLUG}", subscriber ${DEMO_EMAIL}`,
        `    preferences:   ${links.preferencesUrl}`,
        `    unsubscribe:   ${links.unsubscribeUrl}`,
      );
    }
    lines.push('  An API key:      npm run -s dial -- api-key create --workspace demo');
  }
  console.log(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError)
    console.error(`dial: ${error.message}`);
  else console.error('dial: failed to start:', error);
  process.exit(1);
});
