import { isIP } from 'node:net';

/**
 * Whether a request came from this machine: the dev mailbox answers no one else (DESIGN.md,
 * Running). Pure, so the pages and the tests share one decision.
 *
 * The Dial server writes the socket's peer into `x-dial-remote-addr` after dropping any such
 * header a client sent, so when present it decides. Under `next dev` it is missing; then only a
 * Host of localhost, 127.0.0.1 or [::1] passes (a browser on another machine reaches the dev
 * server by another name). A request relayed by a proxy passes only if every address the proxy
 * names is loopback too, since a proxy on this machine makes every caller look local.
 */
export function isLoopbackRequest(headers: Pick<Headers, 'get'>): boolean {
  for (const address of forwardedAddresses(headers)) {
    if (!isLoopbackAddress(address)) return false;
  }
  const remote = headers.get('x-dial-remote-addr');
  if (remote !== null) return isLoopbackAddress(remote);
  return isLoopbackHost(headers.get('host'));
}

/** 127.0.0.0/8, ::1, and 127.x written as an IPv4-mapped IPv6 address. */
export function isLoopbackAddress(address: string | null | undefined): boolean {
  const value = (address ?? '')
    .trim()
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase();
  const v4 = value.replace(/^::ffff:/, '');
  if (isIP(v4) === 4) return v4.startsWith('127.');
  if (isIP(value) === 6) return value === '::1' || value === '0:0:0:0:0:0:0:1';
  return false;
}

/** A Host header naming this machine: localhost, 127.0.0.1 or [::1], with any port. */
export function isLoopbackHost(host: string | null | undefined): boolean {
  return /^(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/.test((host ?? '').trim().toLowerCase());
}

/** Every client address a proxy reported, in X-Forwarded-For, X-Real-IP or Forwarded. */
function forwardedAddresses(headers: Pick<Headers, 'get'>): string[] {
  const addresses: string[] = [];
  for (const part of (headers.get('x-forwarded-for') ?? '').split(',')) {
    if (part.trim()) addresses.push(part.trim());
  }
  const realIp = headers.get('x-real-ip')?.trim();
  if (realIp) addresses.push(realIp);
  for (const element of (headers.get('forwarded') ?? '').split(/[,;]/)) {
    const match = /^\s*for\s*=\s*"?([^"]*)"?\s*$/i.exec(element);
    if (match?.[1] !== undefined) addresses.push(stripPort(match[1]));
  }
  return addresses;
}

/** `"[::1]:4711"` → `[::1]`, `127.0.0.1:80` → `127.0.0.1`. */
function stripPort(node: string): string {
  if (node.startsWith('[')) return node.slice(0, node.indexOf(']') + 1);
  return node.split(':').length === 2 ? (node.split(':')[0] ?? '') : node;
}
