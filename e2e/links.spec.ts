import type { APIResponse } from '@playwright/test';
import { expect, test } from './fixtures';
import { LinkProblemPage } from './pages/link-problem-page';
import { PreferencesPage } from './pages/preferences-page';
import { UnsubscribePage } from './pages/unsubscribe-page';
import {
  type Api,
  PHONE,
  type Subscriber,
  tamper,
  throwawayWorkspace,
  tokenOf,
  tokenParts,
  withToken,
  withWorkspace,
} from './support';

/**
 * The signed links themselves: reading one never changes consent (link scanners open them all),
 * a link that cannot be honoured says so plainly and changes nothing, the RFC 8058 one-click
 * POST works the way mail providers send it, and an unsubscribe link can never opt anyone in.
 */

test.use({ viewport: PHONE });

/** The ledger's hashes: any new event, or any change to one, shows here. */
async function ledger(api: Api, who: Pick<Subscriber, 'id'>): Promise<string[]> {
  return (await api.events(who.id)).map((e) => `${e.seq}:${e.hash}`);
}

function headerNames(res: APIResponse): string[] {
  return res.headersArray().map((h) => h.name.toLowerCase());
}

test.describe('reading a link changes nothing', () => {
  test('GET and HEAD of every link, by a scanner and by a browser, leave the ledger as it was', async ({
    api,
    page,
    request,
  }) => {
    const who = await api.newSubscriber({
      subscribed: [
        ['promotions', 'email'],
        ['promotions', 'sms'],
      ],
      category: 'promotions',
      channel: 'email',
    });
    const before = await ledger(api, who);
    expect(before).toHaveLength(2);
    const u = who.links.unsubscribeUrl;
    const p = who.links.preferencesUrl;
    const urls = [
      u,
      `${u}/less`,
      `${u}/done`,
      `${u}/done?which=all`,
      `${u}/opt-out`,
      `${u}/undo`,
      who.links.oneClickUrl,
      p,
      `${p}?erase=confirm`,
      `${p}/erase`,
      `${p}/data`,
    ];
    for (const url of urls) {
      for (const method of ['get', 'head'] as const) {
        const res = await request[method](url, { maxRedirects: 0 });
        expect(res.status(), `${method.toUpperCase()} ${url}`).toBeLessThan(500);
      }
    }
    // A browser that runs the pages' scripts, too.
    for (const url of [u, `${u}/less`, `${u}/done?which=this`, who.links.oneClickUrl, p]) {
      const res = await page.goto(url, { waitUntil: 'networkidle' });
      expect(res?.status(), url).toBe(200);
    }
    expect(await ledger(api, who)).toEqual(before);
    expect(await api.check(who.email, 'promotions', 'email')).toMatchObject({
      allowed: true,
      reason: 'subscribed',
    });
  });
});

test.describe('a link that cannot be honoured', () => {
  test('a tampered link is a plain 404 that offers a fresh link, and changes nothing', async ({
    api,
    audit,
    page,
    request,
  }) => {
    const who = await api.newSubscriber({ category: 'promotions', channel: 'email' });
    const before = await ledger(api, who);
    const bad = tamper(tokenOf(who.links.unsubscribeUrl));
    expect(bad).not.toBe(tokenOf(who.links.unsubscribeUrl));
    const problem = new LinkProblemPage(page);

    for (const url of [
      withToken(who.links.unsubscribeUrl, bad),
      `${withToken(who.links.unsubscribeUrl, bad)}/less`,
      withToken(who.links.preferencesUrl, tamper(tokenOf(who.links.preferencesUrl))),
    ]) {
      const res = await page.goto(url);
      expect(res?.status(), url).toBe(404);
      await expect(problem.heading()).toHaveText('This link is not valid');
      await expect(problem.freshLink()).toHaveAttribute('href', /^\/w\/demo\/link(\?|$)/);
      await expect(page.getByRole('button')).toHaveCount(0);
    }
    await audit(page, 'tampered');
    await problem.freshLink().click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      'Get a link to your preferences',
    );

    // POSTs with the tampered token change nothing either.
    const badUrl = withToken(who.links.unsubscribeUrl, bad);
    await request.post(`${badUrl}/opt-out`, { form: { which: 'all', lang: 'en' } });
    const oneClick = await request.post(`${badUrl}/one-click`, {
      form: { 'List-Unsubscribe': 'One-Click' },
    });
    expect(oneClick.status()).toBeGreaterThanOrEqual(400);
    expect(oneClick.status()).toBeLessThan(500);
    expect(await ledger(api, who)).toEqual(before);
    expect(await api.check(who.email, 'promotions', 'email')).toMatchObject({ allowed: true });
  });

  test('a link signed with a revoked key says it no longer works, and changes nothing', async ({
    audit,
    dial,
    page,
    request,
  }) => {
    const ws = await throwawayWorkspace(dial.cli, request);
    const who = await ws.api.newSubscriber({ subscribed: [] });
    const token = tokenOf(who.links.unsubscribeUrl);
    const u = new UnsubscribePage(page);
    expect((await u.open(who.links.unsubscribeUrl))?.status()).toBe(200);
    await expect(u.heading()).toHaveText('Stop these messages?');

    const revoked = await dial.cli([
      'signing-key',
      'revoke',
      '--workspace',
      ws.slug,
      '--kid',
      tokenParts(token).kid,
    ]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const before = await ledger(ws.api, who);

    const problem = new LinkProblemPage(page);
    for (const url of [who.links.unsubscribeUrl, who.links.preferencesUrl]) {
      const res = await page.goto(url);
      expect(res?.status(), url).toBe(404);
      await expect(problem.heading()).toHaveText('This link no longer works');
      await expect(problem.freshLink()).toHaveAttribute(
        'href',
        new RegExp(`^/w/${ws.slug}/link(\\?|$)`),
      );
    }
    await audit(page, 'revoked');

    await request.post(`${who.links.unsubscribeUrl}/opt-out`, { form: { which: 'all' } });
    const oneClick = await request.post(who.links.oneClickUrl, {
      form: { 'List-Unsubscribe': 'One-Click' },
    });
    expect(oneClick.status()).toBeGreaterThanOrEqual(400);
    expect(await ledger(ws.api, who)).toEqual(before);

    // A new link, signed with the key that replaced it, works.
    const fresh = await ws.api.links(who.email);
    expect(tokenParts(tokenOf(fresh.unsubscribeUrl)).kid).not.toBe(tokenParts(token).kid);
    expect((await u.open(fresh.unsubscribeUrl))?.status()).toBe(200);
    await expect(u.heading()).toHaveText('Stop these messages?');
  });

  test("one workspace's link never opens another workspace's subscriber", async ({
    api,
    dial,
    page,
    request,
  }) => {
    const other = await throwawayWorkspace(dial.cli, request);
    const stranger = await other.api.newSubscriber({ subscribed: [] });
    const who = await api.newSubscriber({ category: 'promotions', channel: 'email' });
    const token = tokenOf(who.links.unsubscribeUrl);
    const before = {
      who: await ledger(api, who),
      stranger: await ledger(other.api, stranger),
    };

    // Signed for the demo workspace and its subscriber: it opens that subscriber's page.
    const u = new UnsubscribePage(page);
    expect((await u.open(who.links.unsubscribeUrl))?.status()).toBe(200);
    await expect(page.getByRole('banner')).toHaveText('Demo Shop');

    // The same token naming the other workspace, or the other workspace's subscriber: refused.
    const strangerId = Buffer.from(stranger.id.replaceAll('-', ''), 'hex');
    const bytes = Buffer.from(tokenParts(token).payload, 'base64url');
    strangerId.copy(bytes, 17);
    const { version, kid, tag } = tokenParts(token);
    const forged = [
      withWorkspace(token, other.id),
      [version, kid, bytes.toString('base64url'), tag].join('.'),
      withWorkspace([version, kid, bytes.toString('base64url'), tag].join('.'), other.id),
    ];
    const problem = new LinkProblemPage(page);
    for (const t of forged) {
      for (const url of [
        withToken(who.links.unsubscribeUrl, t),
        withToken(who.links.preferencesUrl, t),
      ]) {
        const res = await page.goto(url);
        expect(res?.status(), url).toBe(404);
        await expect(problem.heading()).toHaveText('This link is not valid');
      }
      const post = await request.post(`${withToken(who.links.unsubscribeUrl, t)}/one-click`, {
        form: { 'List-Unsubscribe': 'One-Click' },
      });
      expect(post.status()).toBeGreaterThanOrEqual(400);
    }
    // Nor do the other workspace's keys read this workspace's subscribers.
    const crossRead = await request.get(`/api/v1/subscribers/${who.id}/events`, {
      headers: { authorization: `Bearer ${other.api.key}` },
    });
    expect(crossRead.status()).toBe(404);

    expect(await ledger(api, who)).toEqual(before.who);
    expect(await ledger(other.api, stranger)).toEqual(before.stranger);
  });
});

test.describe('RFC 8058 one-click', () => {
  for (const encoding of ['urlencoded', 'multipart'] as const) {
    test(`a ${encoding} POST unsubscribes at once: 200, no redirect, no cookie; a repeat adds nothing`, async ({
      api,
      playwright,
    }) => {
      const who = await api.newSubscriber({
        subscribed: [
          ['promotions', 'email'],
          ['promotions', 'sms'],
        ],
        category: 'promotions',
        channel: 'email',
      });
      // A mail provider's server: no cookies, no browser.
      const provider = await playwright.request.newContext();
      const body = { 'List-Unsubscribe': 'One-Click' };
      const post = () =>
        provider.post(who.links.oneClickUrl, {
          maxRedirects: 0,
          ...(encoding === 'urlencoded' ? { form: body } : { multipart: body }),
        });

      const res = await post();
      expect(res.status()).toBe(200);
      expect(headerNames(res)).not.toContain('location');
      expect(headerNames(res)).not.toContain('set-cookie');
      expect(await api.check(who.email, 'promotions', 'email')).toMatchObject({
        allowed: false,
        reason: 'unsubscribed',
      });
      expect(await api.check(who.email, 'promotions', 'sms')).toMatchObject({ allowed: true });
      const after = await api.events(who.id);
      expect(after.at(-1)).toMatchObject({
        category: 'promotions',
        channel: 'email',
        source: 'one_click',
      });

      const again = await post();
      expect(again.status()).toBe(200);
      expect(headerNames(again)).not.toContain('set-cookie');
      expect((await api.events(who.id)).map((e) => e.hash)).toEqual(after.map((e) => e.hash));
      await provider.dispose();
    });
  }

  test('a POST without List-Unsubscribe=One-Click is a 400 and changes nothing', async ({
    api,
    request,
  }) => {
    const who = await api.newSubscriber({ category: 'promotions', channel: 'email' });
    const before = await ledger(api, who);
    const forms: Record<string, string>[] = [{}, { 'List-Unsubscribe': 'Yes' }];
    for (const form of forms) {
      const res = await request.post(who.links.oneClickUrl, { form, maxRedirects: 0 });
      expect(res.status()).toBe(400);
    }
    const empty = await request.post(who.links.oneClickUrl, { maxRedirects: 0 });
    expect(empty.status()).toBe(400);
    expect(await ledger(api, who)).toEqual(before);
    expect(await api.check(who.email, 'promotions', 'email')).toMatchObject({ allowed: true });
  });

  test('a GET of the one-click URL lands on the unsubscribe page', async ({
    api,
    page,
    request,
  }) => {
    const who = await api.newSubscriber({ category: 'promotions', channel: 'email' });
    const res = await request.get(who.links.oneClickUrl, { maxRedirects: 0 });
    expect(res.status()).toBe(303);
    const location = new URL(res.headers().location ?? '', who.links.oneClickUrl).toString();
    expect(location).toBe(who.links.unsubscribeUrl);
    const landing = await request.get(location);
    expect(landing.status()).toBe(200);
    expect(await landing.text()).toContain('Stop these messages?');

    await page.goto(who.links.oneClickUrl);
    await expect(page).toHaveURL(who.links.unsubscribeUrl);
    await expect(new UnsubscribePage(page).heading()).toHaveText('Stop these messages?');
    expect(await api.check(who.email, 'promotions', 'email')).toMatchObject({ allowed: true });
  });
});

test.describe('an unsubscribe link only reduces', () => {
  test('a forged "turn on" posted with an unsubscribe link is refused', async ({
    api,
    page,
    request,
  }) => {
    const who = await api.newSubscriber({ category: 'promotions', channel: 'email' });
    // The field names of the form carry the category id: read it off the preference center.
    const prefs = new PreferencesPage(page);
    await prefs.open(who.links.preferencesUrl);
    const field = await prefs.fieldName('Promotions', 'Text messages');
    expect(field).toMatch(/^sub:[0-9a-f-]{36}:sms$/);
    const forged = { lang: 'en', [`was:${field}`]: 'off', [field]: 'on' };
    const before = await ledger(api, who);

    const res = await request.post(`${who.links.unsubscribeUrl}/save`, { form: forged });
    expect(res.status()).toBe(200);
    expect(res.url()).toMatch(/\/less\?/);
    expect(await res.text()).toContain('Some of these changes could not be made');
    expect(await api.check(who.email, 'promotions', 'sms')).toMatchObject({ allowed: false });
    expect(await ledger(api, who)).toEqual(before);

    // The very same form with the preferences link does turn it on: only the link's power differed.
    await request.post(`${who.links.preferencesUrl}/save`, { form: forged });
    expect(await api.check(who.email, 'promotions', 'sms')).toMatchObject({
      allowed: true,
      reason: 'subscribed',
    });
  });
});
