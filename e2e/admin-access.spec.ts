import { randomUUID } from 'node:crypto';
import type { Page, TestInfo } from '@playwright/test';
import { expect as baseExpect, test } from './fixtures';
import { AdminAccessPage } from './pages/admin-access-page';
import { AdminPages, adminWorkspace, confirmPath } from './pages/admin-pages';
import { MailboxPage } from './pages/mailbox-page';
import { DESKTOP, PHONE, screenshot } from './support';

/**
 * An owner sets up access to a workspace: creates an API key (shown once, copied, used against
 * the API, revoked: refused at once), adds a webhook (a private address is refused; the signing
 * secret is shown once) and sees a failing delivery to an unreachable address with its error and
 * a Retry, invites an editor who signs in from the mailed link and cannot open the API keys. Axe
 * and 390 px on every page.
 */

/** Pages render slowly while the machine is busy (shared cores): wait longer than the default. */
const expect = baseExpect.configure({ timeout: 30_000 });

/** TEST-NET-1 (RFC 5737): a public-looking address that nothing answers at. */
const UNREACHABLE = 'https://192.0.2.10/dial-webhooks';

async function atPhoneWidth(page: Page, testInfo: TestInfo, step: string, access: AdminAccessPage) {
  await page.setViewportSize(PHONE);
  expect(await access.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, `${step}-390`);
  await page.setViewportSize(DESKTOP);
  await screenshot(page, testInfo, `${step}-1280`);
}

test('an owner creates and revokes an API key, adds a webhook and retries a delivery, invites an editor who cannot see the keys', async ({
  dial,
  page,
  browser,
  request,
  audit,
}, testInfo) => {
  test.setTimeout(360_000);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const { slug, signIn } = await adminWorkspace(dial, 'adm-acc');
  const ownerEmail = await signIn(page, 'owner');
  const access = new AdminAccessPage(page);

  // --- API keys: empty, then one created and shown once.
  await access.navLink('API keys').click();
  await expect(page).toHaveURL(new RegExp(`/admin/${slug}/api-keys$`));
  await expect(access.heading()).toHaveText('API keys');
  await expect(page.getByText('No keys yet.')).toBeVisible();
  await audit(page, 'api-keys-empty');

  await access.button('Create key').click();
  await expect(page.getByText('Give the key a name, like “Newsletter sender”.')).toBeVisible();
  await access.keyName().fill('E2E sender');
  await expect(access.scope('Check before sending')).toBeChecked();
  await access.scope('Full access').check();
  await access.button('Create key').click();
  await expect(page.getByText('It will not be shown again')).toBeVisible();
  const key = await access.createdKey().inputValue();
  expect(key).toMatch(/^dial_[\w-]{32}$/);
  await access.button('Copy the key E2E sender').click();
  await expect(page.getByText('Copied.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  await expect(access.liveKeys()).toHaveCount(1);
  await expect(access.liveKeys().first()).toContainText('E2E sender');
  await expect(access.liveKeys().first()).toContainText('Full access');
  await expect(access.liveKeys().first()).toContainText(key.slice(0, 11));
  await expect(access.liveKeys().first()).not.toContainText(key);
  await audit(page, 'api-key-created');
  await atPhoneWidth(page, testInfo, 'api-key-created', access);
  await access.button('I have copied it').click();
  await expect(access.createdKey()).toHaveCount(0);
  // Gone for good: a reload shows only the prefix.
  await page.reload();
  await expect(page.getByText(key)).toHaveCount(0);

  const api = (path: string, data: unknown) =>
    request.post(path, { headers: { authorization: `Bearer ${key}` }, data });
  const check = () =>
    api('/api/v1/check', {
      subscriber: { email: 'someone@example.com' },
      category: 'promotions',
      channel: 'email',
    });
  expect((await check()).status()).toBe(200);

  // --- Webhooks: a private address is refused; an unreachable public one is added.
  await access.navLink('Webhooks').click();
  await expect(access.heading()).toHaveText('Webhooks');
  await expect(page.getByText('No webhooks yet.')).toBeVisible();
  await audit(page, 'webhooks-empty');
  await access.webhookUrl().fill(`${dial.baseURL}/hooks`);
  await access.button('Add webhook').click();
  await expect(page.getByText(/a loopback address/).first()).toBeVisible();
  await expect(access.webhookUrl()).toHaveAttribute('aria-invalid', 'true');
  await access.webhookUrl().fill(UNREACHABLE);
  await access.button('Add webhook').click();
  await expect(page.getByText('It will not be shown again')).toBeVisible();
  expect(await access.createdSecret().inputValue()).toMatch(/^whsec_/);
  await access.button('I have copied it').click();
  await expect(access.endpoints()).toHaveCount(1);
  await expect(access.endpoints().first()).toContainText(UNREACHABLE);
  await expect(access.endpoints().first()).toContainText(
    'Consent changed, Subscriber erased, Feedback received',
  );
  await expect(page.getByText('Nothing sent yet')).toBeVisible();

  // An event for it: a subscriber added and erased through the API with the new key.
  const created = await api('/api/v1/subscribers', {
    email: `gone-${randomUUID().slice(0, 8)}@example.com`,
  });
  expect(created.status(), await created.text()).toBeLessThan(300);
  const { id } = (await created.json()) as { id: string };
  const erased = await api(`/api/v1/subscribers/${id}/erase`, {});
  expect(erased.status(), await erased.text()).toBeLessThan(300);

  // --- Revoke the key: refused from the next call.
  await access.navLink('API keys').click();
  await access.button('Revoke E2E sender').click();
  await expect(access.button('Yes, revoke it')).toBeFocused();
  await audit(page, 'api-key-revoke-confirm');
  await access.button('Yes, revoke it').click();
  await expect(access.revokedKeys()).toHaveCount(1);
  await expect(access.liveKeys()).toHaveCount(0);
  const refused = await check();
  expect(refused.status()).toBe(401);
  await audit(page, 'api-keys-revoked');

  // --- The delivery failed (nothing answers there): its error, next attempt and Retry.
  await access.navLink('Webhooks').click();
  // The nav is a client-side navigation: reloading before it lands would reload the keys page.
  await expect(page).toHaveURL(new RegExp(`/admin/${slug}/webhooks$`));
  const deliveries = access.deliveries(UNREACHABLE);
  await expect(async () => {
    await page.reload();
    await expect(deliveries.first()).toContainText('Last attempt', { timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  // Erasure is a consent change too: one delivery for each event type.
  await expect(deliveries).toHaveCount(2);
  const erasedDelivery = deliveries.filter({ hasText: 'Subscriber erased' });
  await expect(erasedDelivery).toContainText('No answer');
  await expect(erasedDelivery).toContainText('Attempts');
  await audit(page, 'webhooks-delivery');
  await atPhoneWidth(page, testInfo, 'webhooks-delivery', access);
  await erasedDelivery
    .getByRole('button', { name: /^Retry the subscriber erased delivery/ })
    .click();
  await expect(page.getByText('Queued: it is sent within a few seconds.')).toBeVisible();

  // --- Team: invite an editor; the last owner cannot remove themselves.
  await access.navLink('Team').click();
  await expect(access.heading()).toHaveText('Team');
  await expect(access.members()).toHaveCount(1);
  await expect(access.member(ownerEmail)).toContainText('(you)');
  await audit(page, 'team');
  const editorEmail = `editor-${randomUUID().slice(0, 8)}@example.com`;
  await access.inviteEmail().fill(editorEmail);
  await access.role('Editor').check();
  await access.button('Send invitation').click();
  await expect(page.getByText(`Invited ${editorEmail} as editor.`)).toBeVisible();
  await expect(access.members()).toHaveCount(2);
  await expect(access.member(editorEmail)).toContainText('Not yet');
  await access.button('Remove yourself').click();
  await access.button('Yes, remove').click();
  await expect(page.getByText('You are the only owner of this workspace').first()).toBeVisible();
  await expect(access.members()).toHaveCount(2);
  await audit(page, 'team-invited');
  await atPhoneWidth(page, testInfo, 'team', access);

  // The editor signs in from the mailed link (the dev mailbox, loopback only).
  const editorContext = await browser.newContext({ baseURL: dial.baseURL });
  const editorPage = await editorContext.newPage();
  const mailbox = new MailboxPage(editorPage);
  await expect(async () => {
    await mailbox.open();
    await expect(mailbox.mail(editorEmail, 'Your sign-in link for Dial')).toHaveCount(1, {
      timeout: 1000,
    });
  }).toPass({ timeout: 30_000 });
  await mailbox.mail(editorEmail, 'Your sign-in link for Dial').click();
  const text = (await mailbox.textPart().textContent()) ?? '';
  const link = /http:\/\/\S+\/admin\/sign-in\/confirm\?token=dsi_[\w-]{43}/.exec(text)?.[0];
  expect(link, text).toBeTruthy();
  await editorPage.goto(confirmPath(link as string));
  await new AdminPages(editorPage).signInButton().click();
  await expect(editorPage).toHaveURL(new RegExp(`/admin/${slug}$`));

  // An editor cannot open the API keys, reads the team, and works with the webhooks.
  const editor = new AdminAccessPage(editorPage);
  await editor.open(slug, 'api-keys');
  await expect(editorPage).toHaveURL(new RegExp(`/admin/${slug}\\?needs=owner$`));
  await expect(
    editorPage.getByText('That page needs the owner role; you are editor here.'),
  ).toBeVisible();
  await editor.open(slug, 'team');
  await expect(editor.members()).toHaveCount(2);
  await expect(editor.member(editorEmail)).toContainText('(you)');
  await expect(editor.button('Send invitation')).toHaveCount(0);
  await expect(editor.button(/^Remove /)).toHaveCount(0);
  await editor.open(slug, 'webhooks');
  await expect(editor.endpoints()).toHaveCount(1);
  await expect(editor.button('Add webhook')).toBeVisible();
  await editorContext.close();

  // The owner sees the editor's sign-in, and every change in the audit log.
  await page.reload();
  await expect(access.member(editorEmail)).not.toContainText('Not yet');
  await page
    .getByRole('navigation', { name: 'Workspace' })
    .getByRole('link', { name: 'Audit log' })
    .click();
  // The team page has a table too: read the rows only once the audit log has replaced it.
  await expect(page).toHaveURL(new RegExp(`/admin/${slug}$`));
  const admin = new AdminPages(page);
  await expect(
    admin.auditRows().filter({ hasText: 'Created the full-access API key' }),
  ).toHaveCount(1);
  const logged = (await admin.auditRows().locator('td:nth-child(3)').allTextContents()).join('\n');
  for (const sentence of [
    'Created the full-access API key “E2E sender”',
    'Added the webhook https://192.0.2.10/dial-webhooks',
    'Revoked the API key “E2E sender”',
    'Retried a subscriber erased delivery to https://192.0.2.10/dial-webhooks',
    `Invited ${editorEmail} as editor`,
  ])
    expect(logged).toContain(sentence);
  expect(logged).not.toContain(key);
});
