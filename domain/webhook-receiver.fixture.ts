import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Tests' webhook receiver: a real HTTP server on an ephemeral loopback port that keeps every
 * request (headers and raw body) and answers what the test says, request by request.
 */

export type Received = { path: string; headers: Record<string, string>; body: string };
export type Answer = { status: number; body?: string; delayMs?: number };

export type Receiver = {
  url: string;
  received: Received[];
  /** Answers the n-th request (1-based); 204 unless set. */
  respond: (answer: (n: number, request: Received) => Answer) => void;
  close: () => Promise<void>;
};

export async function startReceiver(path = '/hooks'): Promise<Receiver> {
  const received: Received[] = [];
  let answer: (n: number, request: Received) => Answer = () => ({ status: 204 });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string') headers[k] = v;
      }
      const request = {
        path: req.url ?? '',
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const { status, body, delayMs = 0 } = answer(received.length, request);
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(body ?? '');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    respond: (fn) => {
      answer = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
