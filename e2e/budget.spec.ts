import { gzipSync } from 'node:zlib';
import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * The JavaScript budget of the subscriber pages: they are plain HTML forms, opened on phones
 * over poor connections, so what they load beyond what every page of the app loads anyway (the
 * framework, measured on the app's own 404 page) stays within 15 kB gzipped.
 */

const BUDGET_BYTES = 15 * 1024;

interface Scripts {
  /** gzip size of each `<script src>` the page's HTML names, by URL. */
  sizes: Map<string, number>;
  total: number;
}

const sizeCache = new Map<string, number>();

async function scriptsOf(request: APIRequestContext, path: string): Promise<Scripts> {
  const res = await request.get(path);
  expect(res.status(), path).toBeLessThan(500);
  const html = await res.text();
  const sources = new Set<string>();
  for (const tag of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = /\ssrc=(?:"([^"]+)"|'([^']+)'|([^\s>]+))/i.exec(tag[0]);
    const value = src?.[1] ?? src?.[2] ?? src?.[3];
    if (value) sources.add(new URL(value.replaceAll('&amp;', '&'), res.url()).toString());
  }
  const sizes = new Map<string, number>();
  for (const url of sources) {
    let size = sizeCache.get(url);
    if (size === undefined) {
      const script = await request.get(url);
      expect(script.status(), url).toBe(200);
      size = gzipSync(await script.body(), { level: 9 }).length;
      sizeCache.set(url, size);
    }
    sizes.set(url, size);
  }
  return { sizes, total: [...sizes.values()].reduce((a, b) => a + b, 0) };
}

const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

test('each subscriber page loads at most 15 kB of gzipped JavaScript beyond the 404 page', async ({
  api,
  request,
}, testInfo) => {
  const who = await api.newSubscriber({ category: 'promotions', channel: 'email' });
  const u = new URL(who.links.unsubscribeUrl).pathname;
  const p = new URL(who.links.preferencesUrl).pathname;

  const baseline = await scriptsOf(request, '/no-such-page');
  const pages: [string, string][] = [
    ['/u/{token}', u],
    ['/u/{token}/done', `${u}/done?which=this`],
    ['/u/{token}/less', `${u}/less`],
    ['/p/{token}', p],
    ['/w/demo/link', '/w/demo/link'],
  ];
  const lines = [
    `404 page (/no-such-page): ${baseline.sizes.size} scripts, ${kB(baseline.total)} gzip`,
    ...[...baseline.sizes].map(([url, size]) => `    ${new URL(url).pathname}: ${kB(size)}`),
  ];
  const over: string[] = [];
  for (const [name, path] of pages) {
    const scripts = await scriptsOf(request, path);
    const extra = [...scripts.sizes].filter(([url]) => !baseline.sizes.has(url));
    const extraBytes = extra.reduce((sum, [, size]) => sum + size, 0);
    lines.push(
      `${name}: ${scripts.sizes.size} scripts, ${kB(scripts.total)} gzip; total minus the 404 page's: ${kB(scripts.total - baseline.total)}; scripts the 404 page does not load: ${extra.length}, ${kB(extraBytes)} (${extraBytes} B)`,
    );
    if (extraBytes > BUDGET_BYTES) over.push(`${name}: ${extraBytes} B`);
  }
  const report = `JS budget (gzip, level 9; budget ${kB(BUDGET_BYTES)} beyond the 404 page)\n${lines
    .map((l) => `  ${l}`)
    .join('\n')}`;
  console.log(report);
  await testInfo.attach('js-budget.txt', { body: report, contentType: 'text/plain' });
  expect(over, report).toEqual([]);
});
