import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import {
  type APIRequestContext,
  type Browser,
  expect,
  type Page,
  type TestInfo,
} from '@playwright/test';

/**
 * Shared helpers of the subscriber journeys: the sender API (to set up a fresh subscriber per
 * test and to read the ledger and the "may I send?" answer), the page audit (axe and a
 * screenshot after every page load), and token surgery for the bad-link tests.
 */

export type Channel = 'email' | 'sms' | 'whatsapp' | 'push';
export type Frequency = 'instant' | 'daily' | 'weekly' | 'monthly';

export interface Links {
  preferencesUrl: string;
  unsubscribeUrl: string;
  oneClickUrl: string;
  headers: { 'List-Unsubscribe': string; 'List-Unsubscribe-Post': string };
}

export interface CheckAnswer {
  allowed: boolean;
  reason: string;
  status?: string;
  frequency?: string | null;
  resumesAt?: string;
}

export interface LedgerEvent {
  id: string;
  seq: number;
  type: string;
  category: string | null;
  channel: string | null;
  source: string;
  hash: string;
}

export interface Subscriber {
  id: string;
  email: string;
  links: Links;
}

export interface NewSubscriber {
  /** The category x channel pairs subscribed through the API before the test starts. */
  subscribed?: [category: string, channel: Channel][];
  /** What the unsubscribe links are for; without a category they stop all marketing. */
  category?: string;
  channel?: Channel;
  locale?: string;
}

/** A unique address per call, so tests never share a subscriber. */
export function uniqueEmail(label = 'e2e'): string {
  return `${label}-${randomUUID().slice(0, 12)}@example.com`;
}

/** The sender API (`/api/v1`) with one workspace's bearer key. */
export class Api {
  constructor(
    readonly request: APIRequestContext,
    readonly key: string,
  ) {}

  private get headers() {
    return { authorization: `Bearer ${this.key}` };
  }

  private async json<T>(method: 'get' | 'post', path: string, data?: unknown): Promise<T> {
    const res = await this.request[method](path, { headers: this.headers, data });
    expect(res.ok(), `${method.toUpperCase()} ${path}: ${res.status()} ${await res.text()}`).toBe(
      true,
    );
    return (await res.json()) as T;
  }

  /** Creates a subscriber, subscribes it through the API and asks for its signed links. */
  async newSubscriber(options: NewSubscriber = {}): Promise<Subscriber> {
    const email = uniqueEmail();
    const { id } = await this.json<{ id: string }>('post', '/api/v1/subscribers', {
      email,
      ...(options.locale ? { locale: options.locale } : {}),
    });
    const subscribed = options.subscribed ?? [['promotions', 'email']];
    if (subscribed.length > 0) {
      await this.json('post', '/api/v1/consents', {
        subscriber: { email },
        changes: subscribed.map(([category, channel]) => ({
          category,
          channel,
          status: 'subscribed',
        })),
      });
    }
    const links = await this.links(email, options);
    return { id, email, links };
  }

  links(email: string, options: { category?: string; channel?: Channel } = {}): Promise<Links> {
    return this.json<Links>('post', '/api/v1/links', {
      subscriber: { email },
      ...(options.category ? { category: options.category } : {}),
      ...(options.channel ? { channel: options.channel } : {}),
    });
  }

  check(email: string, category: string, channel: Channel): Promise<CheckAnswer> {
    return this.json<CheckAnswer>('post', '/api/v1/check', {
      subscriber: { email },
      category,
      channel,
    });
  }

  /** The subscriber with its subscriptions, pause, global opt-outs and do-not-sell flag. */
  subscriber(id: string): Promise<Record<string, unknown>> {
    return this.json('get', `/api/v1/subscribers/${id}`);
  }

  /** The subscriber's whole ledger, oldest first, following the cursor. */
  async events(id: string): Promise<LedgerEvent[]> {
    const all: LedgerEvent[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
      const page: { events: LedgerEvent[]; nextCursor: string | null } = await this.json(
        'get',
        `/api/v1/subscribers/${id}/events${query}`,
      );
      all.push(...page.events);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }
}

/** The path and query of an absolute link, for `page.goto` and `request` against baseURL. */
export function pathOf(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

/** The token of a `/u/{token}...` or `/p/{token}...` link. */
export function tokenOf(url: string): string {
  const token = /\/[up]\/([^/?#]+)/.exec(new URL(url).pathname)?.[1];
  if (!token) throw new Error(`No token in ${url}`);
  return decodeURIComponent(token);
}

/** A token's parts: `1.<kid>.<payload>.<tag>`. */
export function tokenParts(token: string) {
  const [version, kid, payload, tag] = token.split('.');
  if (!version || !kid || !payload || !tag) throw new Error(`Not a link token: ${token}`);
  return { version, kid, payload, tag };
}

/** The token with one base64url character in the middle of its payload changed. */
export function tamper(token: string): string {
  const { version, kid, payload, tag } = tokenParts(token);
  const at = Math.floor(payload.length / 2);
  const swapped = payload[at] === 'A' ? 'B' : 'A';
  return [version, kid, `${payload.slice(0, at)}${swapped}${payload.slice(at + 1)}`, tag].join('.');
}

/**
 * The token with another workspace id written into its payload (bytes 1-16) and the rest,
 * signature included, left as it was.
 */
export function withWorkspace(token: string, workspaceId: string): string {
  const { version, kid, payload, tag } = tokenParts(token);
  const bytes = Buffer.from(payload, 'base64url');
  Buffer.from(workspaceId.replaceAll('-', ''), 'hex').copy(bytes, 1);
  return [version, kid, bytes.toString('base64url'), tag].join('.');
}

/** The workspace id a token names (bytes 1-16 of its payload), unverified. */
export function workspaceIdOf(token: string): string {
  const hex = Buffer.from(tokenParts(token).payload, 'base64url').subarray(1, 17).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A link with its token replaced, the rest of the path kept. */
export function withToken(url: string, token: string): string {
  const u = new URL(url);
  u.pathname = u.pathname.replace(/^\/([up])\/[^/]+/, `/$1/${token}`);
  return u.toString();
}

/**
 * axe runs inside the page and needs its timers, which never fire in a page with JavaScript
 * turned off. So a page without JavaScript is audited in a mirror: the very same DOM, at the
 * same URL and viewport, loaded into a page of a JavaScript-enabled context that refuses every
 * script the page asks for (as the page without JavaScript never ran them). axe then sees what
 * the person sees. One mirror per worker, made on first use.
 */
export class AxeMirror {
  private page: Page | undefined;
  private served: { url: string; html: string } | undefined;

  constructor(private readonly browser: Browser) {}

  async of(page: Page): Promise<Page> {
    this.served = { url: page.url(), html: await page.content() };
    if (!this.page) {
      const context = await this.browser.newContext({ javaScriptEnabled: true });
      this.page = await context.newPage();
      await this.page.route('**/*', (route) => {
        const request = route.request();
        if (request.resourceType() === 'script') return route.abort();
        if (request.isNavigationRequest() && request.url() === this.served?.url) {
          return route.fulfill({ contentType: 'text/html; charset=utf-8', body: this.served.html });
        }
        return route.continue();
      });
    }
    const viewport = page.viewportSize();
    if (viewport) await this.page.setViewportSize(viewport);
    await this.page.goto(this.served.url);
    return this.page;
  }

  async dispose(): Promise<void> {
    await this.page?.context().close();
  }
}

/**
 * After a page load: an axe audit with no serious or critical violation, and a full-page
 * screenshot attached to the test (see `screenshot`).
 */
export async function audit(
  page: Page,
  step: string,
  options: { testInfo: TestInfo; mirror?: AxeMirror },
): Promise<void> {
  const target = options.mirror ? await options.mirror.of(page) : page;
  // Legacy mode runs axe.run() in the page itself, without the blank page that partial runs
  // finish in: several times faster, and these pages have no cross-origin frames to miss. The
  // minified axe-core parses in half the time of the default source, and it is injected twice.
  const results = await new AxeBuilder({ page: target, axeSource: axeSource() })
    .setLegacyMode(true)
    .options({ resultTypes: ['violations'] })
    .analyze();
  const severe = results.violations.filter(
    (v) => v.impact === 'serious' || v.impact === 'critical',
  );
  expect(
    severe.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    })),
    `axe: serious or critical violations on "${step}" (${page.url()})`,
  ).toEqual([]);
  await screenshot(page, options.testInfo, step);
}

let minifiedAxe: string | undefined;
function axeSource(): string {
  minifiedAxe ??= readFileSync(
    path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js'),
    'utf8',
  );
  return minifiedAxe;
}

/**
 * A full-page screenshot attached to the test: Playwright copies it into
 * test-results/<test>/attachments/<step>-<hash>.png (and the HTML report, when it is on).
 */
export async function screenshot(page: Page, testInfo: TestInfo, step: string): Promise<void> {
  const file = path.join(tmpdir(), `dial-e2e-${randomUUID()}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(step, { path: file, contentType: 'image/png' });
  await rm(file, { force: true });
}

/** The viewport of the phones the subscriber pages are built for. */
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

/** Every journey runs with JavaScript on and off: the pages are plain HTML forms. */
export const MODES = [
  { name: 'with JavaScript', javaScriptEnabled: true },
  { name: 'without JavaScript', javaScriptEnabled: false },
] as const;

export interface Workspace {
  slug: string;
  id: string;
  /** The sender API with a write key of this workspace. */
  api: Api;
}

type Cli = (args: string[]) => Promise<{ stdout: string; stderr: string; code: number }>;

/**
 * A new, empty workspace (no categories) with its own API key, made with the CLI, for tests
 * that revoke keys or cross tenants, so the demo workspace stays as it is.
 */
export async function throwawayWorkspace(cli: Cli, request: APIRequestContext): Promise<Workspace> {
  const slug = `e2e-${randomUUID().slice(0, 8)}`;
  const created = await cli(['workspace', 'create', '--slug', slug, '--name', `Throwaway ${slug}`]);
  expect(created.code, created.stderr).toBe(0);
  const id = /\(([0-9a-f-]{36})\)/.exec(created.stdout)?.[1];
  if (!id) throw new Error(`No workspace id in: ${created.stdout}`);
  const key = await cli(['api-key', 'create', '--workspace', slug]);
  expect(key.code, key.stderr).toBe(0);
  return { slug, id, api: new Api(request, key.stdout.trim()) };
}
