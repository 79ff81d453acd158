import { randomUUID } from 'node:crypto';
import { expect, test } from './fixtures';
import { AdminCategoriesPage } from './pages/admin-categories-page';
import { AdminImportPage } from './pages/admin-import-page';
import { AdminPages, adminWorkspace } from './pages/admin-pages';
import { Api, DESKTOP, PHONE, screenshot } from './support';

/**
 * An editor imports 6,000 subscribers from a CSV with a few bad rows (the admin journey,
 * admin-journey.spec.ts, imports 100,000 on PostgreSQL): uploads it, checks the
 * preview, starts it, follows the progress the server reports to the end, downloads the error
 * report and finds the bad rows in it; a subscriber who had opted out stays opted out. Then each
 * export. A viewer sees neither the upload nor the exports, and the routes refuse them.
 */

const ROWS = 6_000;
const N = ROWS.toLocaleString('en-US');
const APPLIED = ROWS - 4;

/** The import's file: ROWS rows, of which the ones listed in `bad` cannot be applied. */
function generatedCsv(optedOutEmail: string, tag: string) {
  const lines = ['email,phone,external_id,promotions:email,promotions:sms'];
  const bad = new Map<number, string>();
  for (let i = 0; i < ROWS; i++) {
    const row = i + 2; // the header is row 1
    if (i === 10) {
      lines.push(`not-an-email-${tag},,x-${tag}-${i},subscribed,`);
      bad.set(row, 'is not a valid email address');
    } else if (i === 3_000) {
      lines.push(`p${i}-${tag}@example.com,call me,x-${tag}-${i},subscribed,`);
      bad.set(row, 'is not a phone number in international format');
    } else if (i === 4_444) {
      lines.push(`p${i}-${tag}@example.com,,x-${tag}-${i},maybe,`);
      bad.set(row, 'is not a consent');
    } else if (i === 5_900) {
      lines.push(`${optedOutEmail},,,subscribed,`);
      bad.set(row, 'themselves; only they can opt back in');
    } else {
      lines.push(`p${i}-${tag}@example.com,,x-${tag}-${i},subscribed,${i % 2 ? 'subscribed' : ''}`);
    }
  }
  return { csv: `${lines.join('\r\n')}\r\n`, bad };
}

test('an editor imports 6,000 subscribers with a few bad rows, follows the progress, gets the error report and the exports', async ({
  dial,
  page,
  browser,
  request,
  audit,
}, testInfo) => {
  test.setTimeout(8 * 60_000);
  const { slug, signIn } = await adminWorkspace(dial, 'adm-imp');
  await signIn(page, 'editor');
  const admin = new AdminPages(page);
  const imports = new AdminImportPage(page);

  // The workspace needs a marketing category to import consents into.
  await page.goto(`/admin/${slug}/categories/new`);
  const categories = new AdminCategoriesPage(page);
  await categories.slugField().fill('promotions');
  await categories.nameField('English').fill('Promotions');
  await categories.channel('SMS').check();
  await categories.submit('Create category').click();
  await expect(page.getByText('Saved “promotions”.')).toBeVisible();

  // Someone who opted out themselves (one click in an email) before the import.
  const key = await dial.cli(['api-key', 'create', '--workspace', slug, '--name', 'e2e-import']);
  expect(key.code, key.stderr).toBe(0);
  const api = new Api(request, key.stdout.trim());
  const optedOut = await api.newSubscriber({ subscribed: [['promotions', 'email']] });
  const oneClick = await request.post(optedOut.links.oneClickUrl, {
    form: { 'List-Unsubscribe': 'One-Click' },
  });
  expect(oneClick.status()).toBeLessThan(300);
  expect((await api.check(optedOut.email, 'promotions', 'email')).allowed).toBe(false);

  // The page, empty.
  await page
    .getByRole('navigation', { name: 'Workspace' })
    .getByRole('link', { name: 'Import & export' })
    .click();
  await expect(page).toHaveURL(new RegExp(`/admin/${slug}/import$`));
  await expect(imports.heading()).toHaveText('Import and export');
  await expect(page.getByText('No imports yet.')).toBeVisible();
  await audit(page, 'import-empty');
  await page.setViewportSize(PHONE);
  expect(await admin.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'import-390');
  await page.setViewportSize(DESKTOP);

  const sample = await imports.download(imports.sampleLink());
  expect(sample.text.split('\r\n')[0]).toBe(
    'email,phone,external_id,locale,promotions:email,promotions:sms',
  );

  // Upload the generated file.
  const tag = randomUUID().slice(0, 6);
  const { csv, bad } = generatedCsv(optedOut.email, tag);
  await imports.fileField().setInputFiles({
    name: 'customers.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  });
  await imports.uploadButton().click();
  await expect(page).toHaveURL(new RegExp(`/admin/${slug}/import/[0-9a-f-]{36}$`), {
    timeout: 5 * 60_000,
  });
  await expect(imports.heading()).toHaveText('Import of customers.csv');

  // The preview: counts, the first rows as they will be applied, the bad rows with reasons.
  await expect(imports.stat('Rows in the file')).toHaveText(N);
  await expect(imports.stat('Will be applied')).toHaveText(APPLIED.toLocaleString('en-US'));
  await expect(imports.stat('Errors')).toHaveText('3');
  await expect(imports.stat('Will be skipped')).toHaveText('1');
  await expect(imports.previewSample().first()).toContainText('Row 2: new subscriber');
  await expect(imports.previewProblems()).toHaveCount(4);
  for (const [row, reason] of bad) {
    await expect(imports.previewProblems().filter({ hasText: `Row ${row},` })).toContainText(
      reason,
    );
  }
  await audit(page, 'import-preview');
  await page.setViewportSize(PHONE);
  expect(await admin.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'import-preview-390');
  await page.setViewportSize(DESKTOP);

  // Start: the server's progress, through a reload, to the end.
  const started = Date.now();
  await imports.startButton().click();
  await expect(imports.state()).toHaveText(/Importing|Waiting/, { timeout: 60_000 });
  await expect(page.getByText(new RegExp(`^[1-9][\\d,]* of ${N} rows`))).toBeVisible({
    timeout: 5 * 60_000,
  });
  await page.reload();
  await expect(page.getByText(new RegExp(`^[1-9][\\d,]* of ${N} rows`))).toBeVisible();
  await audit(page, 'import-running');
  await expect(imports.state()).toHaveText('Done', { timeout: 15 * 60_000 });
  testInfo.annotations.push({
    type: 'import time',
    description: `${ROWS} rows applied in ${Math.round((Date.now() - started) / 1000)} s`,
  });
  await expect(page.getByText(`${N} of ${N} rows (100%)`)).toBeVisible();
  await expect(imports.progressBar()).toHaveAttribute('value', '100');
  await audit(page, 'import-done');
  await page.setViewportSize(PHONE);
  expect(await admin.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'import-done-390');
  await page.setViewportSize(DESKTOP);

  // The error report has every bad row, with its values and the reason.
  const report = await imports.download(imports.errorReportLink());
  expect(report.name).toBe('customers-errors.csv');
  const lines = report.text.trim().split('\r\n');
  expect(lines[0]).toBe(
    'row,email,phone,external_id,promotions:email,promotions:sms,outcome,reason',
  );
  expect(lines).toHaveLength(bad.size + 1);
  for (const [row, reason] of bad) {
    const line = lines.find((l) => l.startsWith(`${row},`));
    expect(line, `row ${row} in the error report`).toBeDefined();
    expect(line).toContain(reason);
  }
  expect(lines.find((l) => l.startsWith('12,'))).toContain(`not-an-email-${tag}`);

  // The person who opted out stayed opted out, with no import event in their ledger.
  expect((await api.check(optedOut.email, 'promotions', 'email')).allowed).toBe(false);
  expect((await api.events(optedOut.id)).some((e) => e.source === 'import')).toBe(false);
  // An imported one may be sent to.
  expect((await api.check(`p3-${tag}@example.com`, 'promotions', 'email')).allowed).toBe(true);

  // The exports.
  await imports.open(slug);
  const subscribers = await imports.download(
    imports.exportLink('Subscribers and their subscriptions'),
  );
  const subscriberLines = subscribers.text.trim().split('\r\n');
  expect(subscriberLines[0]).toContain('email');
  expect(subscriberLines[0]).toContain('promotions:email');
  expect(subscriberLines).toHaveLength(1 + APPLIED + 1); // header, the imported, the opted-out one
  expect(subscriberLines.some((l) => l.includes(`p3-${tag}@example.com`))).toBe(true);
  const suppressions = await imports.download(imports.exportLink('Suppression list: email'));
  expect(suppressions.text).toContain(optedOut.email);
  const ledger = await imports.download(imports.exportLink('Consent ledger'));
  expect(ledger.text.split('\r\n')[0]).toContain('evidence');
  expect(ledger.text).toContain(',import,');
  await audit(page, 'import-list');

  // A viewer sees why there is nothing to press, and the routes refuse them.
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await signIn(viewer, 'viewer');
  await viewer.goto(`/admin/${slug}/import`);
  await expect(viewer.getByText(/only\s+editors and owners can run them/)).toBeVisible();
  await expect(viewer.getByLabel('CSV file')).toHaveCount(0);
  await expect(viewer.getByRole('link', { name: 'Consent ledger' })).toHaveCount(0);
  expect((await viewer.request.get(`/admin/${slug}/import/export/subscribers`)).status()).toBe(403);
  expect(
    (
      await viewer.request.post(`/admin/${slug}/import/upload?name=x.csv`, {
        data: 'email\r\nx@example.com\r\n',
        headers: { 'content-type': 'text/csv' },
      })
    ).status(),
  ).toBe(403);
  await viewerContext.close();
});
