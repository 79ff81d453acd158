import { expect, test } from './fixtures';
import { AdminPages, adminWorkspace } from './pages/admin-pages';
import { AdminSettingsPage } from './pages/admin-settings-page';
import { MailboxPage } from './pages/mailbox-page';
import { Api, DESKTOP, PHONE, pathOf, screenshot } from './support';

/**
 * An editor sets a workspace up: its name, an accent colour (a pale one is refused for its
 * contrast), the sender, a link domain of its own, and the text of the "link to your
 * preferences" mail. Then a subscriber asks for that mail: the dev mailbox shows the new
 * subject and text from the new sender, its link is on the link domain, and the page it opens
 * shows the new name in the new colour. A viewer sees the settings and no way to change them.
 */

test('an editor changes name, accent, sender, link domain and a mail text, and sees them in what subscribers get; a viewer only reads', async ({
  dial,
  page,
  browser,
  request,
  audit,
}, testInfo) => {
  // Three people sign in and a mail goes through the outbox: generous on a shared machine.
  test.setTimeout(480_000);
  const { slug, signIn } = await adminWorkspace(dial, 'adm-set');
  const admin = new AdminPages(page);
  const settings = new AdminSettingsPage(page);
  await signIn(page, 'editor');

  await page
    .getByRole('navigation', { name: 'Workspace' })
    .getByRole('link', { name: 'Settings' })
    .click();
  await expect(page).toHaveURL(new RegExp(`/admin/${slug}/settings$`));
  await expect(settings.heading()).toHaveText('Settings');
  await audit(page, 'settings');
  await page.setViewportSize(PHONE);
  expect(await admin.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'settings-390');
  await page.setViewportSize(DESKTOP);
  await screenshot(page, testInfo, 'settings-1280');

  // Name: saved, and the console's header says it at once.
  await settings.field('Name and contact', 'Workspace name').fill('Acme Outdoor');
  await settings.field('Name and contact', 'Support contact').fill('help@acme.example');
  await settings.save('Name and contact').click();
  await expect(settings.section('Name and contact').getByText('Saved.')).toBeVisible();
  await expect(page.getByRole('banner')).toContainText('Acme Outdoor');

  // A pale accent is refused with the reason; a dark one is saved.
  await settings.field('Branding', 'Accent colour').fill('#ffdd00');
  await settings.save('Branding').click();
  await expect(
    settings.section('Branding').getByText(/White text on #ffdd00 is hard to read/),
  ).toBeVisible();
  await expect(settings.field('Branding', 'Accent colour')).toHaveAttribute('aria-invalid', 'true');
  await settings.field('Branding', 'Accent colour').fill('#0F766E');
  await settings.save('Branding').click();
  await expect(settings.section('Branding').getByText('Saved.')).toBeVisible();

  // Sender, and a link domain with the DNS record to add for it.
  await settings.field('Sender', 'Sender name').fill('Acme News');
  await settings.field('Sender', 'From address').fill('news@acme.example');
  await settings.save('Sender').click();
  await expect(settings.section('Sender').getByText('Saved.')).toBeVisible();
  await settings.field('Link domain', 'Link domain').fill('https://links.acme.example');
  await settings.save('Link domain').click();
  await expect(
    settings
      .section('Link domain')
      .getByText(/no https:\/\//)
      .first(),
  ).toBeVisible();
  await settings.field('Link domain', 'Link domain').fill('links.acme.example');
  await expect(settings.section('Link domain')).toContainText('CNAME');
  await expect(settings.section('Link domain')).toContainText(new URL(dial.baseURL).hostname);
  await settings.save('Link domain').click();
  await expect(settings.section('Link domain').getByText('Saved.')).toBeVisible();

  // The "link to preferences" mail in English: an unknown placeholder is refused, the preview
  // shows the draft filled in, and saving makes it the text in use.
  await settings.mailLink('Link to preferences', 'English').click();
  await expect(settings.heading()).toHaveText('Link to preferences · English');
  await expect(page.getByText('Now in use: Dial’s text')).toBeVisible();
  await expect(settings.subjectField()).toHaveValue('Your link to manage your preferences');
  await settings.subjectField().fill('Your {{brand}} link, {{firstName}}');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(
    page.getByText('This mail has no {{firstName}}. It may use {{brand}}, {{days}}.'),
  ).toBeVisible();
  await settings.subjectField().fill('Your {{brand}} link');
  await settings
    .bodyField()
    .fill('Hello from the {{brand}} team!\n\nThis link works for {{days}}. Keep it to yourself.');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(settings.previewSubject()).toHaveText('Your Acme News link');
  await expect(settings.previewFrame().getByText('Hello from the Acme News team!')).toBeVisible();
  await audit(page, 'mail-text');
  await page.setViewportSize(PHONE);
  expect(await admin.horizontalOverflow()).toBe(0);
  await expect(settings.previewFrame().getByText('Hello from the Acme News team!')).toBeVisible();
  await screenshot(page, testInfo, 'mail-text-390');
  // A full-page capture leaves a sandboxed frame below the fold blank: the preview on its own.
  const previewShot = testInfo.outputPath('mail-preview-390.png');
  await page.locator('iframe[title="Preview of the mail"]').screenshot({ path: previewShot });
  await testInfo.attach('mail-preview-390', { path: previewShot, contentType: 'image/png' });
  await page.setViewportSize(DESKTOP);
  await page.getByRole('button', { name: 'Save mail text' }).click();
  await expect(page.getByText('Saved. Mails from now on use this text.')).toBeVisible();
  await expect(page.getByText('Now in use: your text')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Back to Dial’s text' })).toBeVisible();

  // A subscriber of this workspace asks for a link to their preferences.
  const made = await dial.cli(['api-key', 'create', '--workspace', slug, '--name', 'e2e']);
  expect(made.code, made.stderr).toBe(0);
  const { email } = await new Api(request, made.stdout.trim()).newSubscriber({ subscribed: [] });
  await page.goto(`/w/${slug}/link`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await expect(page.getByText(/Check your inbox/)).toBeVisible();

  // The dev mailbox: the workspace's subject, text and sender; the link on its link domain.
  const mailbox = new MailboxPage(page);
  await expect(async () => {
    await mailbox.open();
    await expect(mailbox.mail(email, 'Your Acme News link')).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  await mailbox.mail(email, 'Your Acme News link').click();
  await expect(page.getByText('"Acme News" <news@acme.example>')).toBeVisible();
  const text = (await mailbox.textPart().textContent()) ?? '';
  expect(text).toContain('Hello from the Acme News team!');
  expect(text).toMatch(/This link works for \d+ days\. Keep it to yourself\./);
  expect(text).toContain('Questions? Contact help@acme.example.');
  const link = /https:\/\/links\.acme\.example\/p\/\S+/.exec(text)?.[0];
  expect(link, text).toBeTruthy();

  // The link domain's CNAME points at this server: the same path here is the subscriber's page,
  // with the workspace's new name in its new colour.
  await page.setViewportSize(PHONE);
  await page.goto(pathOf(link ?? ''));
  const brand = page.getByRole('banner').getByText('Acme Outdoor', { exact: true });
  await expect(brand).toBeVisible();
  await expect(brand).toHaveCSS('color', 'rgb(15, 118, 110)');
  await screenshot(page, testInfo, 'preferences-with-settings-390');
  await page.setViewportSize(DESKTOP);

  // Every save is in the audit log, in words.
  await page.goto(`/admin/${slug}`);
  await expect(admin.auditRows().first()).toContainText(
    'Rewrote the English “Link to preferences” mail',
  );
  const actions = (await admin.auditRows().locator('td:nth-child(3)').allTextContents()).map((a) =>
    a.replace(/from .*$/, '').trim(),
  );
  expect(actions.slice(0, 5)).toEqual([
    'Rewrote the English “Link to preferences” mail',
    'Set the link domain to links.acme.example',
    'Changed the sender: the sender name and the From address',
    'Changed the branding: the accent colour',
    'Changed the workspace name and the support contact',
  ]);

  // The owner sets the Twilio token: the page says "set" and never holds the token again.
  const ownerContext = await browser.newContext({ baseURL: dial.baseURL });
  const ownerPage = await ownerContext.newPage();
  await signIn(ownerPage, 'owner');
  const ownerSettings = new AdminSettingsPage(ownerPage);
  await ownerSettings.open(slug);
  const sms = ownerSettings.section('SMS (Twilio)');
  await expect(sms.getByTestId('token-state')).toHaveText('not set');
  const token = `e2e-token-${Date.now()}`;
  await ownerSettings.field('SMS (Twilio)', 'SMS number').fill('+1 415 555 0100');
  await ownerSettings.field('SMS (Twilio)', 'Twilio auth token').fill(token);
  await ownerSettings.save('SMS (Twilio)').click();
  await expect(sms.getByText('Saved.')).toBeVisible();
  await expect(sms.getByTestId('token-state')).toHaveText('set');
  await expect(ownerSettings.field('SMS (Twilio)', 'New Twilio auth token')).toHaveValue('');
  await ownerPage.reload();
  await expect(ownerSettings.field('SMS (Twilio)', 'SMS number')).toHaveValue('+14155550100');
  expect(await ownerPage.content()).not.toContain(token);
  await ownerPage.goto(`/admin/${slug}`);
  await expect(new AdminPages(ownerPage).auditRows().first()).toContainText(
    'Set the SMS number to +14155550100 and set the Twilio auth token',
  );
  expect(await ownerPage.content()).not.toContain(token);
  await ownerContext.close();

  // A viewer reads the same settings and has nothing to save, not even on a mail's page.
  const viewerContext = await browser.newContext({ baseURL: dial.baseURL });
  const viewerPage = await viewerContext.newPage();
  await signIn(viewerPage, 'viewer');
  const viewerSettings = new AdminSettingsPage(viewerPage);
  await viewerSettings.open(slug);
  await expect(viewerSettings.field('Name and contact', 'Workspace name')).toHaveValue(
    'Acme Outdoor',
  );
  await expect(viewerSettings.field('Name and contact', 'Workspace name')).toBeDisabled();
  await expect(viewerSettings.saveButtons()).toHaveCount(0);
  await expect(viewerSettings.section('SMS (Twilio)')).toContainText(
    'Only an owner can change these.',
  );
  await audit(viewerPage, 'settings-viewer');
  await viewerSettings.mailLink('Link to preferences', 'English').click();
  await expect(viewerSettings.subjectField()).toHaveValue('Your {{brand}} link');
  await expect(viewerSettings.saveButtons()).toHaveCount(0);
  await expect(viewerPage.getByRole('button', { name: 'Back to Dial’s text' })).toHaveCount(0);
  await viewerContext.close();
});
