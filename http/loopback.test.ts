import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isLoopbackHost, isLoopbackRequest } from './loopback';

const request = (headers: Record<string, string>) => isLoopbackRequest(new Headers(headers));

describe('loopback requests (the dev mailbox answers no one else)', () => {
  it('believes the address the Dial server wrote from the socket', () => {
    for (const addr of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '[::1]']) {
      expect(request({ 'x-dial-remote-addr': addr, host: 'dial.example.com' })).toBe(true);
    }
    for (const addr of ['10.0.0.5', '192.168.1.2', '::ffff:10.0.0.1', '2001:db8::1', '', 'x']) {
      expect(request({ 'x-dial-remote-addr': addr, host: 'localhost:3000' })).toBe(false);
    }
  });

  it('without that header (next dev), passes only a Host naming this machine', () => {
    for (const host of ['localhost', 'localhost:3000', '127.0.0.1:3000', '[::1]:3000', '[::1]']) {
      expect(request({ host })).toBe(true);
    }
    for (const host of ['dial.example.com', '192.168.1.2:3000', 'localhost.evil.test', '']) {
      expect(request({ host })).toBe(false);
    }
    expect(request({})).toBe(false);
  });

  it('refuses what a proxy relays from elsewhere, even when the proxy itself is local', () => {
    const local = { 'x-dial-remote-addr': '127.0.0.1', host: 'localhost' };
    expect(request({ ...local, 'x-forwarded-for': '203.0.113.9' })).toBe(false);
    expect(request({ ...local, 'x-forwarded-for': '127.0.0.1, 203.0.113.9' })).toBe(false);
    expect(request({ ...local, 'x-real-ip': '203.0.113.9' })).toBe(false);
    expect(request({ ...local, forwarded: 'for=203.0.113.9;proto=https' })).toBe(false);
    expect(request({ ...local, forwarded: 'for="[2001:db8::1]:4711"' })).toBe(false);
    expect(request({ ...local, 'x-forwarded-for': '127.0.0.1' })).toBe(true);
    expect(request({ ...local, forwarded: 'for="[::1]:4711"' })).toBe(true);
  });

  it('tells loopback addresses and hosts apart from look-alikes', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('0:0:0:0:0:0:0:1')).toBe(true);
    expect(isLoopbackAddress('1127.0.0.1')).toBe(false);
    expect(isLoopbackAddress('127.0.0.1.example.com')).toBe(false);
    expect(isLoopbackAddress(null)).toBe(false);
    expect(isLoopbackHost('LOCALHOST:3000')).toBe(true);
    expect(isLoopbackHost('127.0.0.2')).toBe(false);
    expect(isLoopbackHost('[::1].example')).toBe(false);
    expect(isLoopbackHost('localhost:3000@evil.test')).toBe(false);
  });
});
