import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { BufferedRequest, responseText } from '@/http/buffered';
import { MAX_BODY_BYTES } from '@/http/request';
import { postOneClick } from '@/http/subscriber/unsubscribe';
import { postCheckBulk } from '@/http/v1/bulk-check';
import { postCheck } from '@/http/v1/check';

/**
 * The hot machine endpoints, answered before Next's router, which caps a route handler at a
 * fraction of what Node and PostgreSQL can do (TOOLCHAIN.md). They mount the very functions the
 * Next route files mount, so validation, errors and the OpenAPI document stay one. A request
 * carrying `x-dial-route: next` skips this path (to compare both answers).
 */

/**
 * Small routes read the body here into one buffer (at most MAX_BODY_BYTES + 1, enough for the
 * handler to refuse a larger one) and take it as a BufferedRequest; their text answers are
 * written in one piece. Web streams and undici's Request cost more than the whole check
 * (http/buffered.ts). Streaming routes (bulk) get a web Request and answer with a stream.
 */
type Route = {
  method: string;
  match: (path: string) => boolean;
} & (
  | { buffered: true; handler: (request: BufferedRequest) => Promise<Response> }
  | { buffered?: false; handler: (request: Request) => Promise<Response> }
);

const ONE_CLICK = /^\/u\/[^/]+\/one-click$/;

const routes: readonly Route[] = [
  { method: 'POST', match: (p) => p === '/api/v1/check', handler: postCheck, buffered: true },
  { method: 'POST', match: (p) => p === '/api/v1/check/bulk', handler: postCheckBulk },
  { method: 'POST', match: (p) => ONE_CLICK.test(p), handler: postOneClick, buffered: true },
];

function findRoute(req: IncomingMessage): Route | undefined {
  if (req.headers['x-dial-route'] === 'next') return undefined;
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  return routes.find((r) => r.method === req.method && r.match(path));
}

/** True when the request was answered here; false means "hand it to Next". */
export async function serveFast(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const route = findRoute(req);
  if (!route) return false;
  const url = `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const answer = route.buffered
    ? route.handler(
        new BufferedRequest(
          url,
          req.method ?? 'GET',
          req.headers,
          hasBody ? await readCapped(req, MAX_BODY_BYTES + 1) : Buffer.alloc(0),
        ),
      )
    : route.handler(webRequest(req, url, hasBody));
  let response: Response;
  try {
    response = await answer;
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
  // The text first: asking a text Response for its body stream would make one (http/buffered.ts).
  const text = responseText(response);
  if (text !== undefined || route.buffered || !response.body || req.method === 'HEAD') {
    const body =
      req.method === 'HEAD'
        ? undefined
        : text !== undefined
          ? text
          : response.body
            ? Buffer.from(await response.arrayBuffer())
            : undefined;
    res.writeHead(response.status, out);
    res.end(body);
    return true;
  }
  res.writeHead(response.status, out);
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!res.write(value)) await new Promise<void>((resolve) => res.once('drain', resolve));
  }
  res.end();
  return true;
}

function webRequest(req: IncomingMessage, url: string, hasBody: boolean): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    duplex: 'half',
  } as RequestInit);
}

/**
 * The body, up to `cap` bytes; the rest is read and dropped, so the connection stays usable and
 * the handler, seeing more than its limit, refuses the request.
 */
function readCapped(req: IncomingMessage, cap: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size >= cap) return;
      const room = cap - size;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(kept);
      size += kept.length;
    });
    req.once('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    );
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('the client went away before sending the whole body'));
    });
  });
}
