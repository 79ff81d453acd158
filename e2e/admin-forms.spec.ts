import { expect, test } from './fixtures';
import { AdminCategoriesPage } from './pages/admin-categories-page';
import { AdminConsentTextsPage } from './pages/admin-consent-texts-page';
import { AdminFormsPage } from './pages/admin-forms-page';
import { AdminPages, adminWorkspace } from './pages/admin-pages';
import { DESKTOP, PHONE, screenshot } from './support';

/**
 * An editor sets up an embedded signup form in the admin console: with two categories and a
 * consent text made on their own pages, creates a form from the empty list (a bad origin is
 * refused), watches the live preview follow unsaved edits, copies the snippet by keyboard, edits
 * the form, and finds that /embed/{workspace}/{form} serves exactly what was saved. A viewer
 * sees the snippet and the preview but nothing that changes them. Axe and 390 px on every page.
 */

test('an editor creates a form with a live preview and a copyable snippet; the embed serves it; a viewer only reads', async ({
  dial,
  page,
  browser,
  audit,
}, testInfo) => {
  // A long journey: two categories, a consent text, a form, its edit, the embed and a viewer.
  test.setTimeout(240_000);
  const { slug, signIn } = await adminWorkspace(dial, 'adm-form');
  const admin = new AdminPages(page);
  const forms = new AdminFormsPage(page);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, 'editor');

  // What a form offers comes from the workspace: two categories and a consent text.
  const categories = new AdminCategoriesPage(page);
  await page.goto(`/admin/${slug}/categories/new`);
  await categories.slugField().fill('weekly-digest');
  await categories.nameField('English').fill('Weekly digest');
  await categories.descriptionField('English').fill('The best of the week, on Sundays.');
  await categories.submit('Create category').click();
  await expect(page.getByText('Saved “weekly-digest”.')).toBeVisible();
  await categories.newCategoryLink().click();
  await categories.slugField().fill('flash-sales');
  await categories.nameField('English').fill('Flash sales');
  await categories.channel('Email').uncheck();
  await categories.channel('SMS').check();
  await categories.channel('WhatsApp').check();
  await categories.submit('Create category').click();
  await expect(page.getByText('Saved “flash-sales”.')).toBeVisible();
  const texts = new AdminConsentTextsPage(page);
  await page.goto(`/admin/${slug}/consent-texts/new`);
  await texts.keyField().fill('signup');
  await texts.wording().fill('I agree to receive what I ticked. I can unsubscribe at any time.');
  await texts.submit('Create consent text').click();
  await expect(page.getByText('Saved version 1 in English.')).toBeVisible();

  // The forms page: empty at first.
  await page
    .getByRole('navigation', { name: 'Workspace' })
    .getByRole('link', { name: 'Forms' })
    .click();
  await expect(page).toHaveURL(new RegExp(`/admin/${slug}/forms$`));
  await expect(forms.heading()).toHaveText('Forms');
  await expect(page.getByText('No forms yet.')).toBeVisible();
  await audit(page, 'forms-empty');

  // A new form: the preview shows the form before anything is saved.
  await forms.newFormLink().click();
  await expect(forms.heading()).toHaveText('New form');
  const preview = forms.preview();
  await expect(preview.getByLabel('Email address')).toBeVisible();
  await expect(preview.getByRole('checkbox')).toHaveCount(0);
  await forms.nameField().fill('Newsletter sign-up');
  await forms.slugField().fill('newsletter');
  await forms.category('Weekly digest').check();
  await expect(preview.getByRole('checkbox', { name: 'Weekly digest by email' })).toBeVisible();
  await expect(preview.getByRole('checkbox', { name: 'Weekly digest by email' })).not.toBeChecked();
  await expect(preview).toContainText('The best of the week, on Sundays.');
  // The only consent text is chosen already, its current version said beside it.
  await expect(forms.consentText()).toHaveValue('signup');
  await expect(page.getByText('Current: English version 1.', { exact: false })).toBeVisible();
  await expect(preview).toContainText('I agree to receive what I ticked.');

  // Flash sales go by SMS: the form needs the mobile number and the SMS channel to offer them.
  await forms.category('Flash sales').check();
  await forms.origins().fill('shop.example.com');
  await forms.submit('Create form').click();
  await expect(
    page.getByText('“shop.example.com” needs its scheme in front, like https://shop.example.com.'),
  ).toBeVisible();
  await expect(forms.origins()).toHaveAttribute('aria-invalid', 'true');
  await forms.origins().fill('https://shop.example.com\nhttp://localhost:*');
  await forms.submit('Create form').click();
  await expect(
    page.getByText(
      '“Flash sales” is sent by text message or WhatsApp, and this form offers none of those',
      { exact: false },
    ),
  ).toBeVisible();
  await expect(preview.getByRole('checkbox', { name: /Flash sales/ })).toHaveCount(0);
  await forms.field('Mobile number').check();
  await forms.channel('SMS').check();
  await expect(preview.getByLabel('Mobile number')).toBeVisible();
  await expect(
    preview.getByRole('checkbox', { name: 'Flash sales by text message' }),
  ).toBeVisible();
  await expect(forms.doubleOptIn('SMS')).toBeChecked();
  await forms.accent().fill('#0f766e');
  await expect(preview.getByRole('button', { name: 'Subscribe' })).toHaveCSS(
    'background-color',
    'rgb(15, 118, 110)',
  );
  await forms.successMessage('English').fill('Nearly there: confirm from your inbox.');
  await expect(forms.previewSection()).toContainText('Nearly there: confirm from your inbox.');
  // The preview's button sends nothing.
  await preview.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/${slug}/forms/new$`));
  // Off the button again: its hover shade is not what axe should measure.
  await page.mouse.move(0, 0);
  await audit(page, 'form-new');
  await page.setViewportSize(PHONE);
  expect(await admin.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'form-new-390');
  await page.setViewportSize(DESKTOP);
  await screenshot(page, testInfo, 'form-new-1280');

  await forms.submit('Create form').click();
  await expect(page).toHaveURL(new RegExp(`/admin/${slug}/forms/newsletter\\?saved=1$`));
  await expect(forms.heading()).toHaveText('Newsletter sign-up');
  await expect(page.getByText('Saved “newsletter”.', { exact: false })).toBeVisible();

  // The snippet, copied by keyboard; "Copied" is said in a live region.
  const snippet = `<script src="${dial.baseURL}/embed.js" data-workspace="${slug}" data-form="newsletter" async></script>`;
  await expect(forms.snippet()).toHaveText(snippet);
  await forms.copyButton().focus();
  await page.keyboard.press('Enter');
  await expect(forms.copyStatus()).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippet);
  await audit(page, 'form-edit');
  await page.setViewportSize(PHONE);
  expect(await admin.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'form-edit-390');
  await page.setViewportSize(DESKTOP);

  // An edit: the preview follows before saving; the slug stays.
  await expect(forms.slugField()).toHaveAttribute('readonly', '');
  await expect(preview.getByRole('checkbox', { name: 'Weekly digest by email' })).toBeVisible();
  await expect(preview.getByRole('checkbox', { name: 'Flash sales on WhatsApp' })).toHaveCount(0);
  await forms.channel('WhatsApp').check();
  await expect(preview.getByRole('checkbox', { name: 'Flash sales on WhatsApp' })).toBeVisible();
  await forms.category('Weekly digest').uncheck();
  await expect(preview.getByRole('checkbox', { name: /Weekly digest/ })).toHaveCount(0);
  await forms.category('Weekly digest').check();
  // The workspace's policy (Settings) keeps double opt-in on by email: no form can turn it off.
  await expect(forms.doubleOptIn('Email')).toBeChecked();
  await expect(forms.doubleOptIn('Email')).toBeDisabled();
  await expect(
    page.getByText('(always on: the workspace’s policy, in Settings)').first(),
  ).toBeVisible();
  await forms.submit('Save changes').click();
  await expect(page.getByText('Saved “newsletter”.', { exact: false })).toBeVisible();
  await page.reload();
  await expect(forms.doubleOptIn('Email')).toBeChecked();
  await expect(forms.doubleOptIn('WhatsApp')).toBeChecked();
  await expect(forms.channel('WhatsApp')).toBeChecked();

  // The embed serves what was saved: fields, boxes (none ticked), the consent wording, the theme.
  await forms.open(slug);
  await expect(forms.cards()).toHaveCount(1);
  await expect(forms.cards().first()).toContainText('Newsletter sign-up');
  await expect(forms.cards().first()).toContainText('https://shop.example.com');
  await audit(page, 'forms-list');
  await page.setViewportSize(PHONE);
  expect(await admin.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'forms-list-390');
  await page.setViewportSize(DESKTOP);

  const embed = await browser.newPage({ baseURL: dial.baseURL });
  await embed.goto(`/embed/${slug}/newsletter`);
  await expect(embed.getByLabel('Email address')).toBeVisible();
  await expect(embed.getByLabel('Mobile number')).toBeVisible();
  const boxes = embed.getByRole('checkbox');
  await expect(boxes).toHaveCount(3);
  expect(await boxes.evaluateAll((els) => els.map((e) => e.getAttribute('name')))).toEqual([
    'opt:weekly-digest:email',
    'opt:flash-sales:sms',
    'opt:flash-sales:whatsapp',
  ]);
  await expect(embed.getByRole('checkbox', { name: /^Flash sales on WhatsApp/ })).toBeVisible();
  for (const box of await boxes.all()) await expect(box).not.toBeChecked();
  await expect(
    embed.getByText('I agree to receive what I ticked.', { exact: false }),
  ).toBeVisible();
  await expect(embed.getByRole('button', { name: 'Subscribe' })).toHaveCSS(
    'background-color',
    'rgb(15, 118, 110)',
  );
  const csp = (await embed.request.get(`/embed/${slug}/newsletter`)).headers()[
    'content-security-policy'
  ];
  expect(csp).toContain('frame-ancestors https://shop.example.com http://localhost:*');
  await embed.close();

  // Both changes are in the audit log, as sentences.
  await page
    .getByRole('navigation', { name: 'Workspace' })
    .getByRole('link', { name: 'Audit log' })
    .click();
  await expect(admin.auditRows().first()).toContainText(
    'Edited the form newsletter: changed its channels',
  );
  await expect(admin.auditRows().nth(1)).toContainText('Created the form newsletter');

  // A viewer sees the form, its snippet and preview, and nothing that changes them.
  const viewerContext = await browser.newContext({ baseURL: dial.baseURL });
  const viewerPage = await viewerContext.newPage();
  await signIn(viewerPage, 'viewer');
  const viewerForms = new AdminFormsPage(viewerPage);
  await viewerForms.open(slug);
  await expect(viewerForms.newFormLink()).toHaveCount(0);
  await viewerPage.getByRole('link', { name: 'View Newsletter sign-up' }).click();
  await expect(viewerForms.snippet()).toHaveText(snippet);
  await expect(
    viewerForms.preview().getByRole('checkbox', { name: 'Flash sales on WhatsApp' }),
  ).toBeVisible();
  await expect(viewerPage.getByRole('button', { name: 'Save changes' })).toHaveCount(0);
  await expect(viewerPage.getByRole('textbox')).toHaveCount(2);
  await audit(viewerPage, 'form-viewer');
  await viewerPage.goto(`/admin/${slug}/forms/new`);
  // The redirect comes in the streamed page, after its first bytes: give a busy server time.
  await expect(viewerPage).toHaveURL(new RegExp(`/admin/${slug}\\?needs=editor$`), {
    timeout: 20_000,
  });
  await viewerContext.close();
});
