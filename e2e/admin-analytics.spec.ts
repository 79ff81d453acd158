import { expect, test } from './fixtures';
import { AdminAnalyticsPage } from './pages/admin-analytics-page';
import { AdminCategoriesPage } from './pages/admin-categories-page';
import { AdminPages, adminWorkspace } from './pages/admin-pages';
import { UnsubscribePage } from './pages/unsubscribe-page';
import { Api, DESKTOP, PHONE, screenshot } from './support';

/**
 * A viewer reads a workspace's analytics: empty at first; then, after `dial demo history` seeds
 * three months of past consent (and a subscriber leaves with a hostile comment through the real
 * unsubscribe page), charts with movements in each month, a range and a filter that change what
 * is counted, the save rate with its definition, scanners counted apart, and the comment shown
 * as the text it is. Axe on each view; 390 px and 1280 px screenshots.
 */

const HOSTILE = '<img src=x onerror=alert(1)>';

test('a viewer reads three months of seeded analytics, changes the range and filters, and sees a hostile comment as text', async ({
  dial,
  page,
  browser,
  request,
  audit,
}, testInfo) => {
  test.setTimeout(240_000);
  const { slug, signIn } = await adminWorkspace(dial, 'adm-an');
  const analytics = new AdminAnalyticsPage(page);
  const admin = new AdminPages(page);

  // A viewer finds the analytics in the nav; nothing has happened yet.
  await signIn(page, 'viewer');
  let dialogs = 0;
  page.on('dialog', async (dialog) => {
    dialogs += 1;
    await dialog.dismiss();
  });
  await page
    .getByRole('navigation', { name: 'Workspace' })
    .getByRole('link', { name: 'Analytics' })
    .click();
  await expect(page).toHaveURL(new RegExp(`/admin/${slug}/analytics$`));
  await expect(analytics.heading()).toHaveText('Analytics');
  await expect(page.getByText('Nothing happened in this period yet')).toBeVisible();
  await expect(page.getByText('No link opens in this period yet.')).toBeVisible();
  await expect(page.getByText('No comments in this period yet.')).toBeVisible();
  await audit(page, 'analytics-empty');

  // An editor (in another browser) sets up two marketing categories.
  const editorContext = await browser.newContext();
  const editorPage = await editorContext.newPage();
  await signIn(editorPage, 'editor');
  const categories = new AdminCategoriesPage(editorPage);
  for (const c of [
    { slug: 'promotions', name: 'Promotions', sms: true, lower: true },
    { slug: 'product-news', name: 'Product news', sms: false, lower: false },
  ]) {
    await categories.open(slug);
    await categories.newCategoryLink().click();
    await categories.slugField().fill(c.slug);
    await categories.nameField('English').fill(c.name);
    if (c.sms) await categories.channel('SMS').check();
    if (c.lower) {
      await categories.frequency('Weekly').check();
      await categories.frequency('Monthly').check();
    }
    await categories.submit('Create category').click();
    await expect(editorPage).toHaveURL(new RegExp(`/categories\\?saved=${c.slug}$`));
  }
  await editorContext.close();

  // Three months of history, through the one door; the ledger verifies after it.
  const seeded = await dial.cli(
    ['demo', 'history', '--workspace', slug, '--months', '3', '--subscribers', '50'],
    { timeoutMs: 120_000 },
  );
  expect(seeded.stderr).toBe('');
  expect(seeded.code).toBe(0);
  expect(seeded.stdout).toMatch(/Seeded 3 months of history/);
  const verified = await dial.cli(['ledger', 'verify', '--workspace', slug]);
  expect(verified.stdout).toMatch(/^OK:/);

  // Someone leaves today through the real unsubscribe page and answers with a hostile comment.
  const key = await dial.cli(['api-key', 'create', '--workspace', slug]);
  const api = new Api(request, key.stdout.trim());
  const leaver = await api.newSubscriber({
    subscribed: [['promotions', 'email']],
    category: 'promotions',
    channel: 'email',
  });
  const unsubscribe = new UnsubscribePage(page);
  await unsubscribe.open(leaver.links.unsubscribeUrl);
  await unsubscribe.unsubscribeThis().click();
  await expect(unsubscribe.feedbackQuestion()).toBeVisible();
  await unsubscribe.reason('Too many messages').check();
  await unsubscribe.comment().fill(HOSTILE);
  await unsubscribe.send().click();
  await expect(unsubscribe.notice().filter({ hasText: 'Thank you.' })).toBeVisible();

  // The default view: the last 90 days by week, with numbers in the charts and the table.
  await analytics.open(slug);
  await expect(analytics.chart('Opt-ins per week')).toBeVisible();
  await expect(analytics.chart('Opt-outs per week')).toBeVisible();
  await expect(analytics.chart('Opt-downs per week')).toBeVisible();
  await expect(analytics.period()).toHaveValue('90');
  await expect(page.getByText('Nothing happened in this period yet')).toHaveCount(0);

  // By month, over the last 365 days: each of the last three months has movements.
  await analytics.period().selectOption('365');
  await analytics.groupBy().selectOption('month');
  await analytics.show().click();
  await expect(page).toHaveURL(/range=365/);
  await expect(analytics.chart('Opt-ins per month')).toBeVisible();
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
    const [ins, outs, downs] = cells.map((c) => Number(c.replace(/\D/g, '')));
    expect((ins ?? 0) + (outs ?? 0) + (downs ?? 0), monthLabel(back)).toBeGreaterThan(0);
  }
  // The month three back from now starts before the seeded history; a year ago, nothing.
  await expect(
    rows.filter({ has: page.getByRole('rowheader', { name: monthLabel(9) }) }).getByRole('cell'),
  ).toHaveText(['0', '0', '0']);
  const allTime = await page.locator('tfoot td').allTextContents();
  await audit(page, 'analytics-year-by-month');

  // The save rate, defined on the page, and link opens with scanners counted apart.
  await expect(analytics.saveRate()).toContainText('How it is counted.');
  await expect(analytics.saveRate()).toContainText(/\d+ %/);
  await expect(analytics.saveRate()).toContainText(/people who came to leave stayed/);
  await expect(analytics.linkOpens()).toContainText(
    /\d+ opens: \d+ by people, \d+ suspected scanners/,
  );

  // Filtered to Product news, email: fewer movements than all categories together.
  await analytics.category().selectOption({ label: 'Product news' });
  await analytics.channel().selectOption('email');
  await analytics.show().click();
  await expect(page).toHaveURL(/channel=email/);
  await expect(analytics.category()).toHaveValue(/[0-9a-f-]{36}/);
  const filtered = await page.locator('tfoot td').allTextContents();
  const sum = (cells: string[]) => cells.reduce((s, c) => s + Number(c.replace(/\D/g, '')), 0);
  expect(sum(filtered)).toBeGreaterThan(0);
  expect(sum(filtered)).toBeLessThan(sum(allTime));
  await expect(page.getByRole('region', { name: 'By category' })).not.toContainText('Promotions');

  // The hostile comment, on today's opt-out of promotions, is the text it was typed as.
  await analytics.open(slug, '?range=30');
  const hostile = analytics.comments().filter({ hasText: HOSTILE });
  await expect(hostile).toHaveCount(1);
  await expect(hostile.locator('blockquote')).toHaveText(HOSTILE);
  await expect(page.locator('main img')).toHaveCount(0);
  expect(dialogs).toBe(0);
  await expect(analytics.reasons()).toBeVisible();
  await audit(page, 'analytics-30-days');

  // Legible on a phone (no sideways scroll) and on a desktop.
  await analytics.open(slug, '?range=90');
  await page.setViewportSize(PHONE);
  expect(await admin.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'analytics-390');
  await page.setViewportSize(DESKTOP);
  expect(await admin.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'analytics-1280');
});
