import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The frame script is plain browser JavaScript with no module system: run its text against a
 * window that is its own parent (not framed), where it does nothing but expose its matcher.
 */
type Matcher = (origin: string, patterns: unknown) => boolean;

function loadMatcher(): Matcher {
  const source = readFileSync(
    path.join(import.meta.dirname, '..', '..', 'public', 'embed-frame.js'),
    'utf8',
  );
  const fakeWindow: Record<string, unknown> = {};
  fakeWindow.parent = fakeWindow;
  const fakeDocument = { currentScript: null, querySelector: () => null };
  new Function('window', 'document', source)(fakeWindow, fakeDocument);
  const matcher = fakeWindow.__dialOriginAllowed;
  if (typeof matcher !== 'function') throw new Error('embed-frame.js exposed no matcher');
  return matcher as Matcher;
}

const originAllowed = loadMatcher();

describe('the embed frame talks only to origins the form allows', () => {
  it('matches an exact origin, and only that one', () => {
    const patterns = ['https://shop.example', 'http://localhost:3300'];
    expect(originAllowed('https://shop.example', patterns)).toBe(true);
    expect(originAllowed('http://localhost:3300', patterns)).toBe(true);
    for (const origin of [
      'http://shop.example',
      'https://shop.example:8443',
      'https://www.shop.example',
      'https://shop.example.evil.test',
      'https://evilshop.example',
      'http://localhost:3301',
      'http://localhost',
      'https://localhost:3300',
    ]) {
      expect(originAllowed(origin, patterns), origin).toBe(false);
    }
  });

  it('takes a * port as any port on that scheme and host, the default one included', () => {
    const patterns = ['http://localhost:*'];
    for (const origin of ['http://localhost:3000', 'http://localhost:39123', 'http://localhost']) {
      expect(originAllowed(origin, patterns), origin).toBe(true);
    }
    for (const origin of [
      'https://localhost:3000',
      'http://127.0.0.1:3000',
      'http://localhost.evil.test:3000',
      'http://evil-localhost:3000',
    ]) {
      expect(originAllowed(origin, patterns), origin).toBe(false);
    }
  });

  it('takes *. as one or more subdomain labels, never the bare domain', () => {
    const patterns = ['https://*.example.com'];
    for (const origin of ['https://shop.example.com', 'https://eu.shop.example.com']) {
      expect(originAllowed(origin, patterns), origin).toBe(true);
    }
    for (const origin of [
      'https://example.com',
      'https://evilexample.com',
      'https://example.com.evil.test',
      'http://shop.example.com',
      'https://shop.example.com:8443',
    ]) {
      expect(originAllowed(origin, patterns), origin).toBe(false);
    }
    expect(originAllowed('https://shop.example.com:8443', ['https://*.example.com:*'])).toBe(true);
  });

  it('treats default ports, letter case and a trailing slash in a pattern as the same origin', () => {
    expect(originAllowed('https://shop.example', ['https://shop.example:443'])).toBe(true);
    expect(originAllowed('http://shop.example', ['http://shop.example:80'])).toBe(true);
    expect(originAllowed('https://shop.example', ['HTTPS://Shop.Example/'])).toBe(true);
    expect(originAllowed('http://[::1]:3000', ['http://[::1]:*'])).toBe(true);
  });

  it('fails closed on anything else', () => {
    expect(originAllowed('null', ['null', '*'])).toBe(false);
    expect(originAllowed('https://shop.example', ['*'])).toBe(false);
    expect(originAllowed('https://shop.example', ['https://*'])).toBe(false);
    expect(originAllowed('https://shop.example', ['https://shop.example/path'])).toBe(false);
    expect(originAllowed('https://shop.example', ['https://user@shop.example'])).toBe(false);
    expect(originAllowed('https://shop.example', [])).toBe(false);
    expect(originAllowed('https://shop.example', null)).toBe(false);
    expect(originAllowed('https://shop.example', 'https://shop.example')).toBe(false);
    expect(originAllowed('https://shop.example', [42, null])).toBe(false);
    expect(originAllowed('https://*.example', ['https://*.example'])).toBe(false);
    expect(originAllowed('', ['https://shop.example'])).toBe(false);
    expect(originAllowed('https://shop.example/', ['https://shop.example'])).toBe(true);
  });
});
