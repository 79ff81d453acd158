import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Outbound HTTP to addresses a customer typed in (webhook URLs), refused when they point inside
 * the network Dial runs in (server-side request forgery): loopback, private, link-local,
 * CGNAT, unspecified, multicast and reserved ranges, in IPv4, IPv6 and IPv4-mapped IPv6.
 *
 * The check runs twice: when the URL is registered, and at every delivery on the addresses the
 * connection actually uses (a custom `lookup` on the request), so a name that resolves to a
 * public address when checked and to 127.0.0.1 when connecting (DNS rebinding) is still refused.
 */

const FORBIDDEN: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'shared (CGNAT)'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'reserved'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'reserved'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fc00::', 7, 'ipv6', 'private'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

const lists = FORBIDDEN.map(([network, prefix, family, kind]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, family, kind };
});

/** The kind of forbidden range an IP address is in, or null for a public address. */
export function forbiddenRange(address: string): string | null {
  const ip = address.replace(/^\[|\]$/g, '');
  const version = isIP(ip);
  if (version === 0) return 'not an IP address';
  const mapped = version === 6 ? embeddedIpv4(ip) : null;
  if (mapped) return forbiddenRange(mapped);
  for (const { list, family, kind } of lists) {
    if (list.check(ip, family)) return kind;
  }
  return null;
}

/**
 * The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) or NAT64
 * (64:ff9b::a.b.c.d) IPv6 address, which reach that IPv4 address.
 */
function embeddedIpv4(ip: string): string | null {
  const groups = expandIpv6(ip);
  if (!groups) return null;
  const head = groups.slice(0, 6);
  const zeros = (n: number) => head.slice(0, n).every((g) => g === 0);
  const isMapped = zeros(5) && head[5] === 0xffff;
  const isCompatible = zeros(6) && (groups[6] !== 0 || (groups[7] ?? 0) > 1);
  const isNat64 = head[0] === 0x64 && head[1] === 0xff9b && head.slice(2).every((g) => g === 0);
  if (!isMapped && !isCompatible && !isNat64) return null;
  const hi = groups[6] ?? 0;
  const lo = groups[7] ?? 0;
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

function expandIpv6(ip: string): number[] | null {
  let text = ip.toLowerCase().split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a, b, c, d] = dotted[1].split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left, right] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const head = parse(left);
  const tail = right === undefined ? [] : parse(right);
  const fill = right === undefined ? 0 : 8 - head.length - tail.length;
  const groups = [...head, ...Array<number>(Math.max(0, fill)).fill(0), ...tail];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g)) ? groups : null;
}

/** A URL or address Dial will not send to; its message says why, for the caller to read. */
export class TargetRefusedError extends Error {
  override name = 'TargetRefusedError';
}

export type TargetOptions = { allowPrivate: boolean };

/** Scheme and credentials: what can be said of a URL without the network. */
export function checkUrlShape(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefusedError('The webhook URL is not a valid absolute URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TargetRefusedError('The webhook URL must use http or https.');
  if (url.username || url.password)
    throw new TargetRefusedError('The webhook URL may not carry a user name or password.');
  return url;
}

function refusal(host: string, address: string, kind: string): TargetRefusedError {
  const where = host === address ? address : `${host} (${address})`;
  return new TargetRefusedError(
    `The webhook URL targets ${where}, a ${kind} address. Webhooks go only to public addresses, unless the operator sets DIAL_ALLOW_PRIVATE_WEBHOOKS=1.`,
  );
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * At registration: refuses a URL whose host is, or resolves to, a forbidden address. A name that
 * does not resolve (yet) is accepted: every delivery checks again where it connects.
 */
export async function checkWebhookUrl(raw: string, options: TargetOptions): Promise<URL> {
  const url = checkUrlShape(raw);
  if (options.allowPrivate) return url;
  const host = hostOf(url);
  if (isIP(host)) {
    const kind = forbiddenRange(host);
    if (kind) throw refusal(host, host, kind);
    return url;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) throw refusal(host, host, 'loopback');
  let addresses: dns.LookupAddress[] = [];
  try {
    addresses = await dns.promises.lookup(host, { all: true, verbatim: true });
  } catch {
    return url;
  }
  for (const { address } of addresses) {
    const kind = forbiddenRange(address);
    if (kind) throw refusal(host, address, kind);
  }
  return url;
}

/**
 * A `lookup` for http.request that resolves the name and refuses the connection when any of its
 * addresses is forbidden, so the socket connects only to an address that was checked.
 */
function guardedLookup(options: TargetOptions): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dns.lookup(hostname, { ...lookupOptions, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as dns.LookupAddress[];
      if (!options.allowPrivate) {
        for (const { address } of list) {
          const kind = forbiddenRange(address);
          if (kind) return callback(refusal(hostname, address, kind), '', 0);
        }
      }
      const first = list[0];
      if (!first) return callback(new Error(`${hostname} did not resolve`), '', 0);
      if (lookupOptions.all) return callback(null, list);
      return callback(null, first.address, first.family);
    });
  };
}

export type PostResult = { statusCode: number; excerpt: string; durationMs: number };

/**
 * POSTs `body` and answers the status and the start of the response. Follows no redirect; gives
 * up after `timeoutMs` in all (connect, send, answer). Each call has its own connection, checked
 * as it is made. Throws on a refused target or a network failure.
 */
export function postGuarded(
  rawUrl: string,
  input: {
    headers: Record<string, string>;
    body: string;
    timeoutMs: number;
    excerptBytes: number;
  } & TargetOptions,
): Promise<PostResult> {
  const started = performance.now();
  return new Promise<PostResult>((resolve, reject) => {
    const url = checkUrlShape(rawUrl);
    const host = hostOf(url);
    if (isIP(host) && !input.allowPrivate) {
      const kind = forbiddenRange(host);
      if (kind) throw refusal(host, host, kind);
    }
    const transport = url.protocol === 'https:' ? https : http;
    const request = transport.request(url, {
      method: 'POST',
      headers: { ...input.headers, 'content-length': String(Buffer.byteLength(input.body)) },
      agent: false,
      lookup: guardedLookup(input),
    });
    const timer = setTimeout(() => {
      request.destroy(new Error(`no answer within ${Math.round(input.timeoutMs / 1000)} s`));
    }, input.timeoutMs);
    const finish = (error: Error | null, result?: PostResult) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(result as PostResult);
    };
    request.on('error', (error) => finish(error));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const excerpt = Buffer.concat(chunks).subarray(0, input.excerptBytes).toString('utf8');
        finish(null, {
          statusCode: response.statusCode ?? 0,
          excerpt,
          durationMs: Math.round(performance.now() - started),
        });
      };
      response.on('data', (chunk: Buffer) => {
        if (size >= input.excerptBytes) return;
        chunks.push(chunk);
        size += chunk.length;
        // The status is what counts; the rest of a long answer is not worth waiting for.
        if (size >= input.excerptBytes) {
          response.destroy();
          done();
        }
      });
      response.on('end', done);
      response.on('error', (error) => finish(error));
    });
    request.end(input.body);
  });
}
