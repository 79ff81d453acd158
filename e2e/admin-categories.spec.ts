import { expect, test } from './fixtures';
import { AdminCategoriesPage } from './pages/admin-categories-page';
import { AdminPages, adminWorkspace } from './pages/admin-pages';
import { DESKTOP, PHONE, screenshot } from './support';

/**
 * An editor sets up a workspace's categories in the admin console: from the empty list, creates
 * two (channels, frequencies and default, names per language), reorders them, edits a name and
 * archives one; a viewer sees the list but no way to change it. Axe and 390 px on every page.
 */

test('an editor creates, reorders, edits and archives categories; a viewer only reads', async ({
  dial,
  page,
  browser,
  audit,
}, testInfo) => {
  const { slug, signIn } = await adminWorkspace(dial, 'adm-cat');
  const admin = new AdminPages(page);
  const categories = new AdminCategoriesPage(page);

  await signIn(page, 'editor');

  // The shell leads to the categories; a new workspace has none yet.
  await page
    .getByRole('navigation', { name: 'Workspace' })
    .getByRole('link', { name: 'Categories' })
    .click();
  await expect(page).toHaveURL(new RegExp(`/admin/${slug}/categories$`));
  await expect(categories.heading()).toHaveText('Categories');
  await expect(page.getByText('No categories yet.')).toBeVisible();
  await audit(page, 'categories-empty');

  // Create one: two channels, two frequencies; a default that is not allowed is said first.
  await categories.newCategoryLink().click();
  await expect(categories.heading()).toHaveText('New category');
  await audit(page, 'category-new');
  await page.setViewportSize(PHONE);
  expect(await admin.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'category-new-390');
  await page.setViewportSize(DESKTOP);

  await categories.submit('Create category').click();
  await expect(
    page.getByText("Give the category a name in English, the workspace's default language."),
  ).toBeVisible();
  await expect(categories.slugField()).toHaveAttribute('aria-invalid', 'true');

  await categories.slugField().fill('weekly-digest');
  await categories.nameField('English').fill('Weekly digest');
  await categories.descriptionField('English').fill('The best of the week, on Sundays.');
  await categories.nameField('Español').fill('Resumen semanal');
  await categories.channel('SMS').check();
  await expect(categories.channel('Email')).toBeChecked();
  await categories.frequency('Weekly').check();
  await categories.defaultFrequency().selectOption('monthly');
  await categories.submit('Create category').click();
  await expect(
    page.getByText('The default frequency must be one of the allowed frequencies.'),
  ).toBeVisible();
  await categories.defaultFrequency().selectOption('weekly');
  await categories.submit('Create category').click();

  await expect(page).toHaveURL(new RegExp(`/admin/${slug}/categories\\?saved=weekly-digest$`));
  await expect(page.getByText('Saved “weekly-digest”.')).toBeVisible();
  await expect(categories.inUse()).toHaveCount(1);
  const digest = categories.card('Weekly digest');
  await expect(digest).toContainText('weekly-digest');
  await expect(digest).toContainText('Marketing');
  await expect(digest).toContainText('Email, SMS');
  await expect(digest).toContainText('As it happens, Weekly (default)');

  // The same slug again is refused by the server, next to the field.
  await categories.newCategoryLink().click();
  await categories.slugField().fill('weekly-digest');
  await categories.nameField('English').fill('Another digest');
  await categories.submit('Create category').click();
  await expect(
    page
      .getByText('This workspace already has a category "weekly-digest". Choose another slug.')
      .first(),
  ).toBeVisible();
  // A second, transactional one.
  await categories.slugField().fill('order-updates');
  await categories.nameField('English').fill('Order updates');
  await categories.kind('Transactional').check();
  await categories.submit('Create category').click();
  await expect(page.getByText('Saved “order-updates”.')).toBeVisible();
  await expect(categories.inUse()).toHaveCount(2);
  await expect(categories.inUse().nth(1)).toContainText('Order updates');

  // Reorder by keyboard: focus "Move Order updates up" and press Enter.
  await page.getByRole('button', { name: 'Move Order updates up' }).focus();
  await page.keyboard.press('Enter');
  await expect(categories.inUse().nth(0)).toContainText('Order updates');
  await expect(categories.inUse().nth(1)).toContainText('Weekly digest');
  await audit(page, 'categories-list');
  await page.setViewportSize(PHONE);
  expect(await admin.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'categories-390');
  await page.setViewportSize(DESKTOP);
  await screenshot(page, testInfo, 'categories-1280');

  // Edit its name.
  await page.getByRole('link', { name: 'Edit Weekly digest' }).click();
  await expect(categories.heading()).toHaveText('Edit Weekly digest');
  await expect(categories.slugField()).toHaveAttribute('readonly', '');
  await expect(categories.channel('SMS')).toBeChecked();
  await expect(categories.defaultFrequency()).toHaveValue('weekly');
  await audit(page, 'category-edit');
  await categories.nameField('English').fill('The weekly');
  await categories.nameField('English').press('Enter');
  await expect(page.getByText('Saved “weekly-digest”.')).toBeVisible();
  await expect(categories.card('The weekly')).toContainText('weekly-digest');
  await expect(categories.card('Weekly digest')).toHaveCount(0);

  // Archive it: listed apart, with a way back.
  await page.getByRole('button', { name: 'Archive The weekly' }).click();
  await expect(categories.archived()).toHaveCount(1);
  await expect(categories.archived().first()).toContainText('The weekly');
  await expect(categories.inUse()).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Unarchive The weekly' })).toBeVisible();
  await audit(page, 'categories-archived');
  await page.setViewportSize(PHONE);
  expect(await admin.horizontalOverflow()).toBe(0);
  await screenshot(page, testInfo, 'categories-archived-390');
  await page.setViewportSize(DESKTOP);

  // Every change is in the audit log, newest first.
  await page
    .getByRole('navigation', { name: 'Workspace' })
    .getByRole('link', { name: 'Audit log' })
    .click();
  await expect(admin.heading()).toHaveText('Audit log');
  await expect(admin.auditRows().first()).toContainText('Archived the category weekly-digest');
  const actions = (await admin.auditRows().locator('td:nth-child(3)').allTextContents()).map((a) =>
    a.replace(/from .*$/, '').trim(),
  );
  expect(actions.slice(0, 5)).toEqual([
    'Archived the category weekly-digest',
    'Edited the category weekly-digest',
    'Moved the category order-updates up',
    'Created the category order-updates',
    'Created the category weekly-digest',
  ]);

  // A viewer sees the same list and nothing that changes it; the edit page is not theirs.
  const viewerContext = await browser.newContext({ baseURL: dial.baseURL });
  const viewerPage = await viewerContext.newPage();
  await signIn(viewerPage, 'viewer');
  const viewerCategories = new AdminCategoriesPage(viewerPage);
  await viewerCategories.open(slug);
  await expect(viewerCategories.inUse()).toHaveCount(1);
  await expect(viewerCategories.archived()).toHaveCount(1);
  await expect(viewerCategories.newCategoryLink()).toHaveCount(0);
  await expect(viewerPage.getByRole('button')).toHaveText(['Sign out']);
  await viewerPage.goto(`/admin/${slug}/categories/new`);
  await expect(viewerPage).toHaveURL(new RegExp(`/admin/${slug}\\?needs=editor$`));
  await viewerContext.close();
});
