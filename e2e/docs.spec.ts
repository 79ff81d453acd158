import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { DESKTOP, PHONE } from './support';

/**
 * The API reference at /docs/api is generated from the live OpenAPI document: every operation
 * and webhook event of /api/v1/openapi.json has its section, the contents link to them, and the
 * page reads well (axe, no sideways scrolling) on a phone and a desktop, with or without
 * JavaScript.
 */

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

interface Document {
  paths: Record<string, Record<string, unknown>>;
  webhooks?: Record<string, unknown>;
}

async function liveDocument(request: APIRequestContext): Promise<Document> {
  const res = await request.get('/api/v1/openapi.json');
  expect(res.status()).toBe(200);
  return (await res.json()) as Document;
}

async function openReference(page: Page) {
  const res = await page.goto('/docs/api');
  expect(res?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('reference');
}

/** The operation's section, found by what the page says it documents. */
const section = (page: Page, method: string, path: string) =>
  page.locator(`article[data-method="${method.toUpperCase()}"][data-path="${path}"]`);

test('every path and method of the live OpenAPI document has its section', async ({
  page,
  request,
}) => {
  const doc = await liveDocument(request);
  const expected = Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => m in item).map((m) => ({ method: m.toUpperCase(), path })),
  );
  expect(expected.length).toBeGreaterThan(10);
  await openReference(page);
  for (const { method, path } of expected) {
    const s = section(page, method, path);
    await expect(s, `${method} ${path} is missing from /docs/api`).toHaveCount(1);
    await expect(s.getByRole('heading', { level: 3 })).toContainText(method);
    await expect(s.getByRole('heading', { level: 3 })).toContainText(path);
  }
  // Nothing documented that the API does not have.
  const shown = await page
    .locator('article[data-method][data-path]')
    .evaluateAll((els) =>
      els
        .filter((e) => !e.id.startsWith('webhook-'))
        .map((e) => `${e.getAttribute('data-method')} ${e.getAttribute('data-path')}`),
    );
  expect(shown.sort()).toEqual(expected.map((e) => `${e.method} ${e.path}`).sort());

  const events = Object.keys(doc.webhooks ?? {});
  expect(events).toEqual(
    expect.arrayContaining(['consent.changed', 'subscriber.erased', 'feedback.received']),
  );
  const webhooks = page.locator('#webhooks');
  for (const event of events) {
    await expect(webhooks.locator(`article[data-path="${event}"]`)).toHaveCount(1);
  }
  for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    await expect(webhooks.locator('th code', { hasText: header }).first()).toBeVisible();
  }
});

test('the check section shows its fields, the subscriber reference and a curl', async ({
  page,
}) => {
  await openReference(page);
  const check = section(page, 'POST', '/api/v1/check');
  for (const field of ['subscriber', 'category', 'channel']) {
    await expect(
      check.locator('code', { hasText: new RegExp(`^${field}$`) }).first(),
    ).toBeVisible();
  }
  for (const shape of ['{id}', '{externalId}', '{email}', '{phone}']) {
    await expect(check.locator('code', { hasText: shape }).first()).toBeVisible();
  }
  await expect(check.getByText('Scope:')).toBeVisible();
  await expect(check.locator('pre', { hasText: 'curl -s' })).toContainText(
    '"subscriber":{"email":"demo@example.com"}',
  );
  await expect(
    check.getByRole('button', { name: 'Copy curl command for POST /api/v1/check' }),
  ).toBeVisible();
  // The example answer comes from the CheckAnswer schema.
  await expect(check.locator('pre', { hasText: '"allowed"' })).toBeVisible();
});

test.describe('at desktop width', () => {
  test.use({ viewport: DESKTOP });

  test('the contents link to every section, by mouse and by keyboard', async ({ page, audit }) => {
    await openReference(page);
    const toc = page.locator('nav[data-toc="desktop"]');
    await expect(toc).toBeVisible();
    const hrefs = await toc
      .locator('a[href^="#"]')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.length).toBeGreaterThan(15);
    for (const href of hrefs) {
      await expect(page.locator(href), `${href} has no target`).toHaveCount(1);
    }

    await toc.locator('a[href="#post-api-v1-check"]').click();
    await expect(page).toHaveURL(/#post-api-v1-check$/);
    await expect(page.locator('#post-api-v1-check h3')).toBeInViewport();

    const erased = toc.locator('a[href="#webhook-subscriber-erased"]');
    await erased.focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/#webhook-subscriber-erased$/);
    await expect(page.locator('#webhook-subscriber-erased h3')).toBeInViewport();

    await audit(page, 'API reference, desktop');
  });
});

test.describe('on a phone', () => {
  test.use({ viewport: PHONE });

  test('no sideways scrolling; the contents fold away and still jump', async ({ page, audit }) => {
    await openReference(page);
    const width = await page.evaluate(() => document.scrollingElement?.scrollWidth ?? Infinity);
    expect(width).toBeLessThanOrEqual(PHONE.width);

    await expect(page.locator('nav[data-toc="desktop"]')).toBeHidden();
    const toc = page.locator('nav[data-toc="mobile"]');
    await expect(toc).toBeHidden();
    await page.getByText('Contents', { exact: true }).click();
    await expect(toc).toBeVisible();
    await toc.locator('a[href="#post-api-v1-consents"]').click();
    await expect(page).toHaveURL(/#post-api-v1-consents$/);
    await expect(page.locator('#post-api-v1-consents h3')).toBeInViewport();

    await audit(page, 'API reference, phone');
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false, viewport: PHONE });

  test('the whole reference is there, and the contents open', async ({ page, audit }) => {
    await openReference(page);
    await expect(section(page, 'POST', '/api/v1/check')).toBeVisible();
    await expect(page.locator('#webhooks')).toBeVisible();
    // Copy buttons need JavaScript: none is shown that would do nothing.
    await expect(page.getByRole('button', { name: /copy/i })).toHaveCount(0);
    await page.getByText('Contents', { exact: true }).click();
    await expect(page.locator('nav[data-toc="mobile"]')).toBeVisible();
    await audit(page, 'API reference, no JavaScript');
  });
});

test('the home page links to the API reference', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'API reference' }).click();
  await expect(page).toHaveURL(/\/docs\/api$/);
});
