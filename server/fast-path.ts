import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { postOneClick } from '@/http/subscriber/unsubscribe';
import { postCheckBulk } from '@/http/v1/bulk-check';
import { postCheck } from '@/http/v1/check';

/**
 * The hot machine endpoints, answered before Next's router, which caps a route handler at a
 * fraction of what Node and PostgreSQL can do (TOOLCHAIN.md). They mount the very functions the
 * Next route files mount, so validation, errors and the OpenAPI document stay one. A request
 * carrying `x-dial-route: next` skips this path (to compare both answers).
 */

type Handler = (request: Request) => Promise<Response>;
type Route = { method: string; match: (path: string) => boolean; handler: Handler };

const ONE_CLICK = /^\/u\/[^/]+\/one-click$/;

const routes: Route[] = [
  { method: 'POST', match: (p) => p === '/api/v1/check', handler: postCheck },
  { method: 'POST', match: (p) => p === '/api/v1/check/bulk', handler: postCheckBulk },
  { method: 'POST', match: (p) => ONE_CLICK.test(p), handler: postOneClick },
];

export function addFastRoute(route: Route): void {
  routes.push(route);
}

function findRoute(req: IncomingMessage): Route | undefined {
  if (req.headers['x-dial-route'] === 'next') return undefined;
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  return routes.find((r) => r.method === req.method && r.match(path));
}

/** True when the request was answered here; false means "hand it to Next". */
export async function serveFast(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const route = findRoute(req);
  if (!route) return false;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
    method: req.method,
    headers,
    body:
      req.method === 'GET' || req.method === 'HEAD'
        ? undefined
        : (Readable.toWeb(req) as ReadableStream),
    duplex: 'half',
  } as RequestInit);
  let response: Response;
  try {
    response = await route.handler(request);
  } catch (error) {
    console.error('dial: fast path handler failed:', error);
    response = new Response(
      JSON.stringify({
        type: 'urn:dial:problem:internal',
        title: 'Internal error',
        status: 500,
        detail: 'Try again.',
      }),
      { status: 500, headers: { 'content-type': 'application/problem+json' } },
    );
  }
  const out: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  res.writeHead(response.status, out);
  if (!response.body || req.method === 'HEAD') {
    res.end();
    return true;
  }
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!res.write(value)) await new Promise<void>((resolve) => res.once('drain', resolve));
  }
  res.end();
  return true;
}
