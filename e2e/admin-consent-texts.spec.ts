import { randomUUID } from 'node:crypto';
import { expect, test } from './fixtures';
import { AdminConsentTextsPage } from './pages/admin-consent-texts-page';
import { AdminPages, adminWorkspace } from './pages/admin-pages';
import { DESKTOP, PHONE, screenshot } from './support';

/**
 * An editor writes a workspace's consent text in the admin console: from the empty list, creates
 * one (key and its English first version), then writes version 2 by keyboard alone, and reads
 * both, the first unchanged and the wording shown escaped with its line breaks; a viewer reads
 * every version but cannot write. Axe and 390 px on every page.
 */

test('an editor writes a consent text and a new version; both stay readable; a viewer only reads', async ({
  dial,
  page,
  browser,
  audit,
}, testInfo) => {
  const { slug, signIn } = await adminWorkspace(dial, 'adm-ct');
  const admin = new AdminPages(page);
  const texts = new AdminConsentTextsPage(page);
  const editorEmail = `editor-${randomUUID().slice(0, 8)}@example.com`;

  await signIn(page, 'editor', editorEmail);

  // The shell leads to the consent texts; a new workspace has none yet.
  await page
    .getByRole('navigation', { name: 'Workspace' })
    .getByRole('link', { name: 'Consent texts' })
    .click();
  await expect(page).toHaveURL(new RegExp(`/admin/${slug}/consent-texts$`));
  await expect(texts.heading()).toHaveText('Consent texts');
  await expect(page.getByText('No consent texts yet.')).toBeVisible();
  await audit(page, 'consent-texts-empty');

  // A new text: empty wording is refused before sending.
  await texts.newTextLink().click();
  await expect(texts.heading()).toHaveText('New consent text');
  await audit(page, 'consent-text-new');
  await page.setViewportSize(PHONE);
  expect(await admin.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'consent-text-new-390');
  await page.setViewportSize(DESKTOP);
  await texts.keyField().fill('marketing-consent');
  await texts.submit('Create consent text').click();
  await expect(page.getByText('Write the wording people agree to.')).toBeVisible();
  await expect(texts.wording()).toHaveAttribute('aria-invalid', 'true');

  const first = 'Yes, send me <b>offers</b>.\nI can opt out at any time.';
  await texts.wording().fill(first);
  await texts.submit('Create consent text').click();
  await expect(page).toHaveURL(
    new RegExp(`/admin/${slug}/consent-texts/marketing-consent\\?saved=en-1$`),
  );
  await expect(page.getByText('Saved version 1 in English.')).toBeVisible();
  await expect(texts.versions('English')).toHaveCount(1);

  // Version 2, by keyboard alone: the form starts from the current wording.
  await texts.newVersionLink().focus();
  await page.keyboard.press('Enter');
  await expect(texts.heading()).toHaveText('New version of marketing-consent');
  await expect(texts.keyField()).toHaveAttribute('readonly', '');
  await expect(texts.wording()).toHaveValue(first);
  await expect(page.getByText('Now at version 1; saving writes version 2.')).toBeVisible();
  await audit(page, 'consent-text-version-new');
  await texts.wording().focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Yes, send me offers and news.');
  await page.keyboard.press('Enter');
  await page.keyboard.type('I can opt out or choose fewer at any time.');
  await page.keyboard.press('Tab');
  await expect(texts.submit('Save new version')).toBeFocused();
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(
    new RegExp(`/admin/${slug}/consent-texts/marketing-consent\\?saved=en-2$`),
  );
  await expect(page.getByText('Saved version 2 in English.')).toBeVisible();
  const versions = texts.versions('English');
  await expect(versions).toHaveCount(2);
  await expect(versions.nth(0)).toContainText('Version 2');
  await expect(versions.nth(0)).toContainText('Current');
  await expect(versions.nth(0)).toContainText(`by ${editorEmail}`);
  await expect(versions.nth(0).locator('blockquote')).toHaveText(
    'Yes, send me offers and news.\nI can opt out or choose fewer at any time.',
  );
  // Version 1 as it was written: the markup shown as text, not run; its line break kept.
  await expect(versions.nth(1)).toContainText('Version 1');
  await expect(versions.nth(1).locator('blockquote')).toHaveText(first);
  expect(await versions.nth(1).locator('blockquote').textContent()).toBe(first);
  await expect(versions.nth(1).locator('b')).toHaveCount(0);
  await audit(page, 'consent-text-versions');
  await page.setViewportSize(PHONE);
  expect(await admin.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'consent-text-versions-390');
  await page.setViewportSize(DESKTOP);

  // The list says the current version, when and by whom.
  await page.getByRole('link', { name: 'Back to consent texts' }).click();
  await expect(texts.texts()).toHaveCount(1);
  await expect(texts.languageLine('marketing-consent', 'English')).toContainText('version 2');
  await expect(texts.languageLine('marketing-consent', 'English')).toContainText(editorEmail);
  await audit(page, 'consent-texts-list');
  await page.setViewportSize(PHONE);
  expect(await admin.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'consent-texts-390');
  await page.setViewportSize(DESKTOP);

  // Both writes are in the audit log, newest first.
  await page
    .getByRole('navigation', { name: 'Workspace' })
    .getByRole('link', { name: 'Audit log' })
    .click();
  await expect(admin.auditRows().first()).toContainText('Wrote the consent text marketing-consent');
  await expect(admin.auditRows().nth(1)).toContainText(
    'Created the consent text marketing-consent',
  );

  // A viewer reads every version and has no way to write one; the form is not theirs.
  const viewerContext = await browser.newContext({ baseURL: dial.baseURL });
  const viewerPage = await viewerContext.newPage();
  await signIn(viewerPage, 'viewer');
  const viewerTexts = new AdminConsentTextsPage(viewerPage);
  await viewerPage.goto(`/admin/${slug}/consent-texts/marketing-consent`);
  await expect(viewerTexts.versions('English')).toHaveCount(2);
  await expect(viewerTexts.newVersionLink()).toHaveCount(0);
  await viewerPage.goto(`/admin/${slug}/consent-texts/marketing-consent/new`);
  await expect(viewerPage).toHaveURL(new RegExp(`/admin/${slug}\\?needs=editor$`));
  await viewerContext.close();
});
