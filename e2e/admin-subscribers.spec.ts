import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';
import { AdminPages, adminWorkspace, confirmPath } from './pages/admin-pages';
import { AdminSubscribersPage } from './pages/admin-subscribers-page';
import { UnsubscribePage } from './pages/unsubscribe-page';
import { DESKTOP, PHONE, screenshot } from './support';

/**
 * A compliance officer (a viewer: reading is all this needs) answers a regulator about one person:
 * the person subscribed through the API, then unsubscribed from the email's link and said why in
 * a comment that looks like markup. The officer finds them, reads the timeline, asks "subscribed
 * to Promotions by email at D?" before and after the opt-out, verifies the chain, downloads the
 * JSON receipt and opens the printable one. Another workspace's admin sees none of it.
 */

const HOSTILE = '<img src=x onerror=alert(1)>';

/** The next whole second at or after `iso`, as a datetime-local field in UTC takes it. */
function ceilSecond(iso: string): string {
  const ms = Date.parse(iso);
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().slice(0, 19);
}

test('a viewer finds a subscriber, reads the consent history, answers at a date, verifies and exports the receipt', async ({
  api,
  dial,
  page,
  audit,
}, testInfo) => {
  // Several CLI runs and page loads on a shared two-core machine.
  test.setTimeout(180_000);
  // --- a person with history: subscribed by the API, then unsubscribed with a comment ---
  const who = await api.newSubscriber({
    subscribed: [['promotions', 'email']],
    category: 'promotions',
    channel: 'email',
  });
  // The opt-out lands in a later second than the opt-in, so a question in between exists.
  await page.waitForTimeout(1100);
  const u = new UnsubscribePage(page);
  await u.open(who.links.unsubscribeUrl);
  await u.unsubscribeThis().click();
  await expect(u.heading()).toHaveText('You are unsubscribed');
  await u.reason('Too many messages').check();
  await u.comment().fill(HOSTILE);
  await u.send().click();
  await expect(u.notice().filter({ hasText: 'Thank you.' })).toBeVisible();
  const events = (await api.events(who.id)) as unknown as {
    seq: number;
    occurredAt: string;
    hash: string;
    source: string;
  }[];
  expect(events.map((e) => e.source)).toEqual(['api', 'unsubscribe_page']);
  const [optIn, optOut] = events as [(typeof events)[0], (typeof events)[0]];

  // --- the officer signs in to the demo workspace as a viewer ---
  const made = await dial.cli([
    'admin',
    'create',
    '--email',
    `dpo-${randomUUID().slice(0, 8)}@example.com`,
    '--workspace',
    'demo',
    '--role',
    'viewer',
  ]);
  expect(made.code, made.stderr).toBe(0);
  await page.goto(confirmPath(made.stdout.trim()));
  await new AdminPages(page).signInButton().click();
  await page.waitForURL(/\/admin\/demo$/);
  let alerted = false;
  page.on('dialog', async (dialog) => {
    alerted = true;
    await dialog.dismiss();
  });

  const subs = new AdminSubscribersPage(page);
  await page
    .getByRole('navigation', { name: 'Workspace' })
    .getByRole('link', { name: 'Subscribers' })
    .click();
  await expect(subs.heading()).toHaveText('Subscribers');
  await audit(page, 'subscribers-list');

  // Nobody: said plainly.
  await subs.search('nobody-here@example.com');
  await expect(page.getByRole('heading', { name: 'No subscriber matches' })).toBeVisible();
  await expect(page.getByText('Looked for it as:')).toContainText(
    'email address nobody-here@example.com',
  );
  await audit(page, 'subscribers-no-match');

  // The address as someone might type it: upper case, spaces around.
  await subs.search(`  ${who.email.toUpperCase()} `);
  await expect(subs.results()).toHaveCount(1);
  await subs.results().first().getByRole('link', { name: who.email }).click();
  await expect(subs.heading()).toHaveText(who.email);

  // Current state: unsubscribed from Promotions by email, since the opt-out.
  await expect(subs.subscriptionsOf('Promotions')).toContainText('unsubscribed');

  // The timeline, newest first, in words, with the evidence and the comment as plain text.
  await expect(subs.events()).toHaveCount(2);
  const newest = subs.events().first();
  await expect(newest.getByRole('heading')).toHaveText('Unsubscribed from Promotions by email');
  await expect(newest).toContainText('From subscribed (as it happens) to unsubscribed.');
  await expect(newest).toContainText('Unsubscribe page');
  await expect(newest).toContainText('Too many messages');
  await expect(newest.locator('[data-feedback-comment]')).toHaveText(HOSTILE);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(subs.events().nth(1).getByRole('heading')).toHaveText(
    'Subscribed to Promotions by email',
  );
  await expect(subs.events().nth(1)).toContainText('Sender API');
  expect(alerted).toBe(false);
  await audit(page, 'subscriber');
  await page.setViewportSize(PHONE);
  expect(await subs.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'subscriber-390');
  await page.setViewportSize(DESKTOP);
  await screenshot(page, testInfo, 'subscriber-1280');

  // "Subscribed to Promotions by email at D?" before the first event, between, and after.
  const before = new Date(Date.parse(optIn.occurredAt) - 60_000).toISOString().slice(0, 19);
  await subs.askAt('Promotions', 'Email', before);
  await expect(subs.answer()).toContainText('Never: Promotions by email');
  await subs.askAt('Promotions', 'Email', ceilSecond(optIn.occurredAt));
  await expect(subs.answer().getByRole('status')).toContainText('Yes: Promotions by email');
  await expect(subs.answer()).toContainText('Subscribed to Promotions by email');
  await expect(subs.answer()).toContainText(optIn.hash);
  await audit(page, 'subscriber-at-date-yes');
  await subs.askAt('Promotions', 'Email', ceilSecond(optOut.occurredAt));
  await expect(subs.answer().getByRole('status')).toContainText('No: Promotions by email');
  await expect(subs.answer()).toContainText('Unsubscribed from Promotions by email');
  await expect(subs.answer()).toContainText(optOut.hash);
  await page.setViewportSize(PHONE);
  expect(await subs.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'subscriber-at-date-390');
  await page.setViewportSize(DESKTOP);

  // The chain.
  await subs.verifyButton().click();
  await expect(page.getByText('Chain intact: 2 events, head hash')).toBeVisible();
  await expect(page.getByText('Chain intact: 2 events, head hash')).toContainText(optOut.hash);
  await audit(page, 'subscriber-verified');

  // The JSON receipt: a download.
  const downloading = page.waitForEvent('download');
  await subs.downloadReceipt().click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(
    new RegExp(`^consent-receipt-${who.id}-\\d{4}-\\d{2}-\\d{2}\\.json$`),
  );
  const receipt = JSON.parse(await readFile((await download.path()) as string, 'utf8'));
  expect(receipt).toMatchObject({
    format: 'dial-consent-receipt-v1',
    workspace: { slug: 'demo' },
    subscriber: { id: who.id, email: who.email },
    subscriptions: [
      {
        category: 'promotions',
        channel: 'email',
        status: 'unsubscribed',
        answer: 'no',
        establishedBy: { seq: 2, source: 'unsubscribe_page', hash: optOut.hash },
      },
    ],
    chain: { events: 2, headSeq: 2, headHash: optOut.hash, verified: true },
  });

  // The printable receipt: the same facts, and no console navigation on paper.
  await subs.printableReceipt().click();
  await expect(subs.heading()).toHaveText('Consent receipt');
  await expect(subs.receiptHeadHash()).toHaveText(optOut.hash);
  await expect(page.getByRole('heading', { name: /^Promotions by email: No/ })).toBeVisible();
  await audit(page, 'receipt');
  await page.setViewportSize(PHONE);
  expect(await subs.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'receipt-390');
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Workspace' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Print or save as PDF' })).toBeHidden();
  await expect(subs.receiptHeadHash()).toBeVisible();
  await screenshot(page, testInfo, 'receipt-print');
  await page.emulateMedia({ media: 'screen' });

  // Both exports are in the audit log.
  await page.goto('/admin/demo');
  await expect(
    page
      .getByRole('table')
      .getByText(`Downloaded the consent receipt (JSON) of subscriber ${who.id}`),
  ).toBeVisible();
  await expect(
    page
      .getByRole('table')
      .getByText(`Opened the printable consent receipt of subscriber ${who.id}`),
  ).toBeVisible();
  expect(alerted).toBe(false);
});

test('an admin of another workspace sees an empty list that explains, and none of this workspace’s people', async ({
  api,
  dial,
  page,
  audit,
}, testInfo) => {
  test.setTimeout(120_000);
  const who = await api.newSubscriber({ subscribed: [['promotions', 'email']] });
  const { slug, signIn } = await adminWorkspace(dial, 'adm-subs');
  await signIn(page, 'owner');
  const subs = new AdminSubscribersPage(page);
  await subs.open(slug);
  await expect(page.getByRole('heading', { name: 'No subscribers yet' })).toBeVisible();
  await expect(page.getByText('sign up through one of your forms')).toBeVisible();
  await audit(page, 'subscribers-empty');
  await page.setViewportSize(PHONE);
  expect(await subs.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'subscribers-empty-390');
  await page.setViewportSize(DESKTOP);

  // The demo's subscriber is nobody here, by address or by id.
  await subs.search(who.email);
  await expect(page.getByRole('heading', { name: 'No subscriber matches' })).toBeVisible();
  await subs.search(who.id);
  await expect(page.getByRole('heading', { name: 'No subscriber matches' })).toBeVisible();
  // Through the demo's workspace, its person's page and printable receipt are not found.
  for (const path of [
    `/admin/demo/subscribers/${who.id}`,
    `/admin/demo/subscribers/${who.id}/receipt`,
  ]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByText(who.email)).toHaveCount(0);
  }
  // Through their own workspace, the person does not exist either (the page is already
  // streaming under the workspace's loading state, so the status is 200: the content says it).
  await page.goto(`/admin/${slug}/subscribers/${who.id}`);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByText(who.email)).toHaveCount(0);
  for (const path of [
    `/admin/${slug}/subscribers/${who.id}/receipt.json`,
    `/admin/demo/subscribers/${who.id}/receipt.json`,
  ]) {
    const response = await page.request.get(path);
    expect(response.status(), path).toBe(404);
    expect(response.headers()['content-disposition']).toBeUndefined();
  }
  // Signed out: 401, no receipt.
  const anonymous = await page.context().browser()?.newContext();
  if (!anonymous) throw new Error('no browser');
  const response = await anonymous.request.get(
    `${dial.baseURL}/admin/demo/subscribers/${who.id}/receipt.json`,
    { maxRedirects: 0 },
  );
  expect(response.status()).toBe(401);
  await anonymous.close();
});
