// A shop's site for the embed demo: serves demo/host as static files on 127.0.0.1, writing the
// Dial origin into the pages. The shop (127.0.0.1) and Dial (localhost) are different sites on
// purpose, so the form runs as a third-party iframe, as it would on a real shop.
//
//   npm run demo:host          (DEMO_HOST_PORT, default 3300; DIAL_URL, default localhost:3000)

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../demo/host', import.meta.url));
const port = Number(process.env.DEMO_HOST_PORT || 3300);
let dialOrigin;
try {
  dialOrigin = new URL(process.env.DIAL_URL || 'http://localhost:3000').origin;
} catch {
  console.error(`DIAL_URL is not a URL: ${process.env.DIAL_URL}`);
  process.exit(1);
}
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`DEMO_HOST_PORT is not a port: ${process.env.DEMO_HOST_PORT}`);
  process.exit(1);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

const server = createServer(async (request, response) => {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname);
  } catch {
    response.writeHead(400).end('Bad request');
    return;
  }
  if (pathname.endsWith('/')) pathname += 'index.html';
  const file = path.join(root, path.normalize(pathname));
  const type = TYPES[path.extname(file)];
  if (!file.startsWith(root + path.sep) || !type) {
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  let body;
  try {
    body = await readFile(file);
  } catch {
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  if (type.startsWith('text/html')) {
    body = Buffer.from(body.toString('utf8').replaceAll('__DIAL_ORIGIN__', dialOrigin));
  }
  response.writeHead(200, {
    'Content-Type': type,
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
});

server.on('error', (error) => {
  console.error(`Demo host could not listen on 127.0.0.1:${port}: ${error.message}`);
  process.exit(1);
});

server.listen(port, '127.0.0.1', () => {
  console.log(`Demo host page: http://127.0.0.1:${port}/ (embedding Dial at ${dialOrigin})`);
});

// Nothing to save: a static server can stop at once.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
