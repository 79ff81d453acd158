import http from 'node:http';
import { request as playwrightRequest } from '@playwright/test';
import { expect, test } from './fixtures';
import { AdminAnalyticsPage } from './pages/admin-analytics-page';
import { AdminCategoriesPage } from './pages/admin-categories-page';
import { AdminConsentTextsPage } from './pages/admin-consent-texts-page';
import { AdminFormsPage } from './pages/admin-forms-page';
import { AdminImportPage } from './pages/admin-import-page';
import { AdminPages } from './pages/admin-pages';
import { AdminSubscribersPage } from './pages/admin-subscribers-page';
import { type PostgresDial, startPostgresDial } from './postgres-dial';
import { type SmtpCapture, startSmtpCapture, textPart } from './smtp-capture';
import { Api, screenshot } from './support';

/**
 * The admin console's whole journey, on a Dial of its own whose PostgreSQL database starts
 * empty: only `dial workspace create` and `dial admin create` are run. The owner signs in with a
 * link mailed to a real SMTP server, sets up a category, a consent text and a form, the form is
 * embedded on a shop's page (another origin) and someone signs up through it with double opt-in;
 * 100,000 subscribers are imported from a CSV with a few bad rows (progress from the server, the
 * error report, an opted-out person untouched); the ledger answers "was X subscribed to
 * promotions by email on D?" for an imported subscriber; and three months of seeded history
 * show as charts.
 */

const ROWS = 100_000;
const SLUG = 'corner-shop';
const OWNER = 'owner@corner-shop.test';
const SHOP = `http://localhost:${Number(process.env.E2E_JOURNEY_PORT) + 50}`;

// A step that cannot happen fails within a minute instead of waiting out the whole test.
test.use({ actionTimeout: 30_000, navigationTimeout: 60_000 });

let smtp: SmtpCapture;
let server: PostgresDial;
/** The shop's own site (another origin): a page with whatever snippet it was given. */
let shopPage = '';
const shopSite = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(shopPage);
});

test.beforeAll(async () => {
  test.setTimeout(180_000);
  smtp = await startSmtpCapture(Number(process.env.E2E_JOURNEY_SMTP_PORT));
  await new Promise<void>((resolve) => shopSite.listen(Number(new URL(SHOP).port), resolve));
  server = await startPostgresDial({
    port: Number(process.env.E2E_JOURNEY_PORT),
    smtpPort: Number(process.env.E2E_JOURNEY_SMTP_PORT),
    name: 'journey',
  });
});

test.afterAll(async () => {
  await server?.stop();
  await smtp?.close();
  shopSite.close();
});

/** The import's file: the rows listed in `bad` cannot be applied, the opted-out one is skipped. */
function customersCsv(optedOutEmail: string) {
  const lines = ['email,external_id,promotions:email'];
  const bad = new Map<number, string>();
  for (let i = 0; i < ROWS; i++) {
    const row = i + 2;
    if (i === 5) {
      lines.push(`not-an-email,c-${i},subscribed`);
      bad.set(row, 'is not a valid email address');
    } else if (i === 60_000) {
      lines.push(`c${i}@corner-shop.test,c-${i},perhaps`);
      bad.set(row, 'is not a consent');
    } else if (i === 90_000) {
      lines.push(`${optedOutEmail},,subscribed`);
      bad.set(row, 'opted out of everything themselves');
    } else {
      lines.push(`c${i}@corner-shop.test,c-${i},subscribed`);
    }
  }
  return { csv: `${lines.join('\r\n')}\r\n`, bad };
}

test('from an empty database: sign in by mail, set up, embed, import 100,000, prove one consent, read the charts', async ({
  dial,
  browser,
  audit,
}, testInfo) => {
  test.setTimeout(25 * 60_000);
  const cli = (args: string[]) => dial.cli(args, { env: server.env, timeoutMs: 180_000 });

  // The only set-up outside the console.
  const workspace = await cli(['workspace', 'create', '--slug', SLUG, '--name', 'Corner Shop']);
  expect(workspace.code, workspace.stderr).toBe(0);
  const bootstrap = await cli([
    'admin',
    'create',
    '--email',
    OWNER,
    '--workspace',
    SLUG,
    '--role',
    'owner',
  ]);
  expect(bootstrap.code, bootstrap.stderr).toBe(0);
  expect(bootstrap.stdout).toContain('/admin/sign-in/confirm?token=');

  const context = await browser.newContext({ baseURL: server.baseURL });
  const page = await context.newPage();
  const admin = new AdminPages(page);

  // Sign in with the link the sign-in page mails, caught by the SMTP server.
  await admin.openSignIn();
  await admin.requestLink(OWNER);
  const mail = await smtp.mailTo(OWNER);
  const link = /(http:\/\/127\.0\.0\.1:\d+\/admin\/sign-in\/confirm\?token=\S+)/.exec(
    textPart(mail.raw),
  )?.[1];
  expect(link, 'the sign-in link in the mail').toBeTruthy();
  await page.goto(link as string);
  await admin.signInButton().click();
  await expect(page).toHaveURL(new RegExp(`/admin/${SLUG}$`));

  // A marketing category, a consent text and a form.
  const categories = new AdminCategoriesPage(page);
  await categories.open(SLUG);
  await expect(page.getByText('No categories yet.')).toBeVisible();
  await categories.newCategoryLink().click();
  await categories.slugField().fill('promotions');
  await categories.nameField('English').fill('Promotions');
  await categories.descriptionField('English').fill('Offers and new arrivals, once a week.');
  await categories.submit('Create category').click();
  await expect(page.getByText('Saved “promotions”.')).toBeVisible();

  const texts = new AdminConsentTextsPage(page);
  await page.goto(`/admin/${SLUG}/consent-texts/new`);
  await texts.keyField().fill('newsletter-consent');
  await texts.wording().fill('Yes, email me Corner Shop offers. I can unsubscribe at any time.');
  await texts.submit('Create consent text').click();
  await expect(page.getByText('Saved version 1 in English.')).toBeVisible();

  const forms = new AdminFormsPage(page);
  await forms.open(SLUG);
  await forms.newFormLink().click();
  await forms.nameField().fill('Newsletter');
  await forms.slugField().fill('newsletter');
  await forms.category('Promotions').check();
  await forms.origins().fill(SHOP);
  await forms.submit('Create form').click();
  await expect(page).toHaveURL(new RegExp(`/admin/${SLUG}/forms/newsletter\\?saved=1$`));
  const snippet = (await forms.snippet().textContent()) ?? '';
  expect(snippet).toContain(`data-workspace="${SLUG}" data-form="newsletter"`);
  await audit(page, 'journey-form');

  // The shop pastes the snippet into its page; a visitor signs up and confirms by mail.
  shopPage = `<!doctype html><html lang="en"><head><title>Corner Shop</title></head><body><main><h1>Corner Shop</h1>${snippet}</main></body></html>`;
  const shop = await context.newPage();
  await shop.goto(`${SHOP}/`);
  const frame = shop.frameLocator(`iframe[src*="/embed/${SLUG}/newsletter"]`);
  const visitor = 'visitor@corner-shop.test';
  await frame.getByLabel('Email address').fill(visitor);
  await frame.getByRole('checkbox', { name: /Promotions by email/ }).check();
  await frame.getByRole('button', { name: 'Subscribe' }).click();
  await expect(frame.getByText(/check your inbox/i)).toBeVisible();
  const confirmation = await smtp.mailTo(visitor);
  const confirmLink = /(http:\/\/127\.0\.0\.1:\d+\/c\/\S+)/.exec(textPart(confirmation.raw))?.[1];
  expect(confirmLink, 'the double opt-in link in the mail').toBeTruthy();
  await shop.goto(confirmLink as string);
  await shop.getByRole('button', { name: 'Confirm' }).click();
  await expect(shop.getByText('Your subscription is confirmed')).toBeVisible();
  await shop.close();

  const key = await cli(['api-key', 'create', '--workspace', SLUG, '--name', 'journey']);
  expect(key.code, key.stderr).toBe(0);
  const apiRequest = await playwrightRequest.newContext({ baseURL: server.baseURL });
  const api = new Api(apiRequest, key.stdout.trim());
  expect(await api.check(visitor, 'promotions', 'email')).toMatchObject({ allowed: true });

  // Someone who opted out themselves before the import stays opted out.
  const optedOut = await api.newSubscriber({ subscribed: [['promotions', 'email']] });
  const oneClick = await apiRequest.post(optedOut.links.oneClickUrl, {
    form: { 'List-Unsubscribe': 'One-Click' },
  });
  expect(oneClick.status()).toBeLessThan(300);

  // Import 100,000 customers.
  const imports = new AdminImportPage(page);
  await imports.open(SLUG);
  const { csv, bad } = customersCsv(optedOut.email);
  await imports.fileField().setInputFiles({
    name: 'customers.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  });
  await imports.uploadButton().click();
  await expect(page).toHaveURL(new RegExp(`/admin/${SLUG}/import/[0-9a-f-]{36}$`), {
    timeout: 5 * 60_000,
  });
  await expect(imports.stat('Rows in the file')).toHaveText('100,000');
  await expect(imports.stat('Errors')).toHaveText('2');
  await expect(imports.stat('Will be skipped')).toHaveText('1');
  const started = Date.now();
  await imports.startButton().click();
  await expect(page.getByText(/^[1-9][\d,]* of 100,000 rows/)).toBeVisible({
    timeout: 5 * 60_000,
  });
  await screenshot(page, testInfo, 'journey-import-progress');
  await expect(imports.state()).toHaveText('Done', { timeout: 15 * 60_000 });
  testInfo.annotations.push({
    type: 'import time (PostgreSQL)',
    description: `${ROWS} rows in ${Math.round((Date.now() - started) / 1000)} s`,
  });
  const report = await imports.download(imports.errorReportLink());
  const reportLines = report.text.trim().split('\r\n');
  expect(reportLines).toHaveLength(bad.size + 1);
  for (const [row, reason] of bad) {
    expect(reportLines.find((l) => l.startsWith(`${row},`))).toContain(reason);
  }
  expect(await api.check(optedOut.email, 'promotions', 'email')).toMatchObject({ allowed: false });
  expect((await api.events(optedOut.id)).some((e) => e.source === 'import')).toBe(false);

  // "Was c42 subscribed to promotions by email on D?", from the ledger: no before the import,
  // yes after it.
  const subscribers = new AdminSubscribersPage(page);
  await subscribers.open(SLUG);
  await subscribers.search('c42@corner-shop.test');
  await expect(subscribers.results()).toHaveCount(1);
  await subscribers.results().first().getByRole('link', { name: 'c42@corner-shop.test' }).click();
  const beforeImport = new Date(started - 60_000).toISOString().slice(0, 19);
  const afterImport = new Date(Date.now() + 60_000).toISOString().slice(0, 19);
  await subscribers.askAt('Promotions', 'Email', beforeImport);
  await expect(subscribers.answer()).toContainText('Never: Promotions by email');
  await subscribers.askAt('Promotions', 'Email', afterImport);
  await expect(subscribers.answer().getByRole('status')).toContainText('Yes: Promotions by email');
  await expect(subscribers.answer()).toContainText('Import');
  await audit(page, 'journey-subscriber');

  // Three months of history, seeded through the one door, as charts.
  const history = await cli(['demo', 'history', '--workspace', SLUG, '--months', '3']);
  expect(history.code, history.stderr).toBe(0);
  const analytics = new AdminAnalyticsPage(page);
  await analytics.open(SLUG);
  await analytics.period().selectOption('365');
  await analytics.groupBy().selectOption('month');
  await analytics.show().click();
  await expect(analytics.chart('Opt-ins per month')).toBeVisible();
  await expect(analytics.chart('Opt-outs per month')).toBeVisible();
  await expect(analytics.chart('Opt-downs per month')).toBeVisible();
  const rows = await analytics.numberRows();
  const now = new Date();
  const monthLabel = (back: number) =>
    new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)),
    );
  for (const back of [2, 1, 0]) {
    const row = rows.filter({ has: page.getByRole('rowheader', { name: monthLabel(back) }) });
    await expect(row).toHaveCount(1);
    const cells = await row.getByRole('cell').allTextContents();
    const total = cells.slice(0, 3).reduce((n, c) => n + Number(c.replace(/\D/g, '')), 0);
    expect(total, monthLabel(back)).toBeGreaterThan(0);
  }
  await expect(analytics.saveRate()).toContainText(/\d+ %/);
  await audit(page, 'journey-analytics');
  await screenshot(page, testInfo, 'journey-analytics');

  await apiRequest.dispose();
  await context.close();
});
