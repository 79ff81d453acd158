import { randomUUID } from 'node:crypto';
import { expect, test } from './fixtures';
import { AdminPages, confirmPath } from './pages/admin-pages';
import { MailboxPage } from './pages/mailbox-page';
import { DESKTOP, PHONE, screenshot } from './support';

/**
 * The admin console's front door: an admin bootstrapped with the CLI signs in through a
 * scanner-safe magic link, sees their workspace's audit log, cannot see another workspace, and
 * signs out; a link asked for by email arrives in the dev mailbox and signs in too.
 */

type Cli = (args: string[]) => Promise<{ stdout: string; stderr: string; code: number }>;

async function newWorkspace(cli: Cli, label: string) {
  const slug = `adm-${label}-${randomUUID().slice(0, 6)}`;
  const name = `Shop ${label} ${slug.slice(-6)}`;
  const created = await cli(['workspace', 'create', '--slug', slug, '--name', name]);
  expect(created.code, created.stderr).toBe(0);
  return { slug, name };
}

async function createAdmin(cli: Cli, email: string, slug: string, role = 'owner') {
  const created = await cli([
    'admin',
    'create',
    '--email',
    email,
    '--workspace',
    slug,
    '--role',
    role,
  ]);
  expect(created.code, created.stderr).toBe(0);
  const url = created.stdout.trim();
  expect(url).toMatch(/^http:\/\/[^/]+\/admin\/sign-in\/confirm\?token=dsi_[\w-]{43}$/);
  return url;
}

const newEmail = () => `admin-${randomUUID().slice(0, 8)}@example.com`;

test.describe('the admin console sign-in', () => {
  test('a CLI-made admin signs in with the printed link, once; another workspace is a 404; sign out', async ({
    dial,
    page,
    browser,
    request,
    audit,
  }, testInfo) => {
    const shop = await newWorkspace(dial.cli, 'one');
    const other = await newWorkspace(dial.cli, 'other');
    const email = newEmail();
    const url = await createAdmin(dial.cli, email, shop.slug);
    const admin = new AdminPages(page);

    // A mail scanner's GET: a page with a button, and nothing spent or signed in.
    const scanned = await request.get(confirmPath(url));
    expect(scanned.status()).toBe(200);
    expect(await scanned.text()).toContain('Sign in to Dial');

    const opened = await page.goto(confirmPath(url));
    expect(opened?.headers()['referrer-policy']).toBe('no-referrer');
    await expect(admin.heading()).toHaveText('Sign in to Dial');
    await expect(admin.signInButton()).toBeVisible();
    await audit(page, 'confirm');
    await page.setViewportSize(PHONE);
    expect(await admin.horizontalOverflow()).toBe(0);
    await screenshot(page, testInfo, 'confirm-390');
    await page.setViewportSize(DESKTOP);
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain(
      'next-auth.session-token',
    );
    const fresh = await browser.newContext({ baseURL: dial.baseURL });
    const freshPage = await fresh.newPage();
    await freshPage.goto('/admin');
    await expect(freshPage).toHaveURL(/\/admin\/sign-in$/);
    await fresh.close();

    // The button signs in; with one workspace the console opens it at once.
    await admin.signInButton().click();
    await expect(page).toHaveURL(new RegExp(`/admin/${shop.slug}$`));
    await expect(page.getByRole('banner')).toContainText(shop.name);
    await expect(page.getByRole('banner')).toContainText(email);
    await expect(admin.heading()).toHaveText('Audit log');
    await expect(admin.auditRows()).toHaveCount(2);
    await expect(admin.auditRows().nth(0)).toContainText('Signed in with a sign-in link');
    await expect(admin.auditRows().nth(0)).toContainText(email);
    await expect(admin.auditRows().nth(1)).toContainText(`Added ${email} as owner`);
    await expect(admin.auditRows().nth(1)).toContainText('The command line');
    await audit(page, 'workspace-home');

    await page.setViewportSize(PHONE);
    expect(await admin.horizontalOverflow()).toBe(0);
    // On a phone the log is a list of cards, not a table to scroll sideways.
    await expect(admin.auditCards().first()).toContainText('Signed in with a sign-in link');
    await expect(admin.auditCards()).toHaveCount(2);
    await screenshot(page, testInfo, 'workspace-home-390');
    await page.setViewportSize(DESKTOP);

    // The same link again: used up, with the way to a new one.
    await page.goto(confirmPath(url));
    await expect(admin.heading()).toHaveText('This sign-in link has been used');
    await expect(admin.signInButton()).toHaveCount(0);
    await expect(admin.newLinkLink()).toBeVisible();
    await audit(page, 'confirm-used');

    // A changed token is no token.
    const tampered = url.replace(
      /token=dsi_(.)/,
      (_, c: string) => `token=dsi_${c === 'A' ? 'B' : 'A'}`,
    );
    await page.goto(confirmPath(tampered));
    await expect(admin.heading()).toHaveText('This sign-in link does not work');

    // A workspace the admin is not a member of does not exist, as far as they can tell.
    const foreign = await page.goto(`/admin/${other.slug}`);
    expect(foreign?.status()).toBe(404);
    await expect(page.getByText(other.name)).toHaveCount(0);
    const missing = await page.goto('/admin/no-such-workspace-here');
    expect(missing?.status()).toBe(404);

    // Sign out is a POST; afterwards the console sends the visitor to sign in.
    await page.goto(`/admin/${shop.slug}`);
    await admin.signOutButton().click();
    await expect(page).toHaveURL(/\/admin\/sign-in\?signed-out/);
    await expect(page.getByText('You are signed out.')).toBeVisible();
    await page.goto(`/admin/${shop.slug}`);
    await expect(page).toHaveURL(/\/admin\/sign-in$/);

    // Back in with a fresh link from the CLI: the log has the sign-out, and the new link.
    await page.goto(confirmPath(await createAdmin(dial.cli, email, shop.slug)));
    await admin.signInButton().click();
    await expect(page).toHaveURL(new RegExp(`/admin/${shop.slug}$`));
    await expect(admin.auditRows()).toHaveCount(5);
    const actions = await admin.auditRows().locator('td:nth-child(3)').allTextContents();
    expect(actions.map((a) => a.replace(/from .*$/, '').trim())).toEqual([
      'Signed in with a sign-in link',
      `Gave ${email} a new sign-in link (still owner)`,
      'Signed out',
      'Signed in with a sign-in link',
      `Added ${email} as owner`,
    ]);
  });

  test('a link asked for by email arrives in the dev mailbox and signs in; strangers get the same answer', async ({
    dial,
    page,
    audit,
  }, testInfo) => {
    const first = await newWorkspace(dial.cli, 'first');
    const second = await newWorkspace(dial.cli, 'second');
    const email = newEmail();
    await createAdmin(dial.cli, email, first.slug, 'owner');
    await createAdmin(dial.cli, email, second.slug, 'viewer');
    const admin = new AdminPages(page);

    await admin.openSignIn();
    await expect(admin.heading()).toHaveText('Sign in');
    await audit(page, 'sign-in');
    await page.setViewportSize(PHONE);
    expect(await admin.horizontalOverflow()).toBe(0);
    await screenshot(page, testInfo, 'sign-in-390');
    await page.setViewportSize(DESKTOP);

    // Nothing typed, or not an address: said next to the field, nothing sent.
    await admin.requestLink('not-an-address');
    await expect(page.getByText('Enter an email address like name@example.com.')).toBeVisible();
    await expect(admin.emailField()).toHaveAttribute('aria-invalid', 'true');

    const stranger = newEmail();
    await admin.requestLink(stranger);
    const strangerAnswer = page.getByText(`If ${stranger} belongs to an admin`);
    await expect(strangerAnswer).toBeVisible();
    // The admin's own request, by keyboard alone: into the field, type, Enter.
    await admin.openSignIn();
    await page.keyboard.press('Tab');
    await expect(admin.emailField()).toBeFocused();
    await page.keyboard.type(email.toUpperCase());
    await page.keyboard.press('Enter');
    await expect(page.getByText(`If ${email.toUpperCase()} belongs to an admin`)).toBeVisible();

    // The worker sends it through Dial's mail path: the dev mailbox here.
    const mailbox = new MailboxPage(page);
    await expect(async () => {
      await mailbox.open();
      await expect(mailbox.mail(email, 'Your sign-in link for Dial')).toHaveCount(1, {
        timeout: 1000,
      });
    }).toPass({ timeout: 20_000 });
    await mailbox.open();
    await expect(mailbox.mail(stranger, 'Your sign-in link for Dial')).toHaveCount(0);
    await mailbox.mail(email, 'Your sign-in link for Dial').click();
    const text = (await mailbox.textPart().textContent()) ?? '';
    const link = /http:\/\/\S+\/admin\/sign-in\/confirm\?token=dsi_[\w-]{43}/.exec(text)?.[0];
    expect(link, text).toBeTruthy();

    await page.goto(confirmPath(link as string));
    await page.keyboard.press('Tab');
    await expect(admin.signInButton()).toBeFocused();
    await page.keyboard.press('Enter');

    // Two workspaces: the list, with each one's role.
    await expect(page).toHaveURL(/\/admin$/);
    await expect(admin.heading()).toHaveText('Your workspaces');
    const firstLink = page.getByRole('link', { name: new RegExp(first.name) });
    await expect(firstLink).toContainText(`${first.slug} · owner`);
    await expect(page.getByRole('link', { name: new RegExp(second.name) })).toContainText(
      `${second.slug} · viewer`,
    );
    await audit(page, 'workspaces');
    await firstLink.click();
    await expect(page).toHaveURL(new RegExp(`/admin/${first.slug}$`));
    await expect(admin.auditRows().nth(0)).toContainText('Signed in with a sign-in link');

    // The switcher leads to the other workspace, where this admin is a viewer.
    await page.getByText('Switch workspace').click();
    await page
      .getByRole('navigation', { name: 'Your workspaces' })
      .getByRole('link', { name: new RegExp(second.name) })
      .click();
    await expect(page).toHaveURL(new RegExp(`/admin/${second.slug}$`));
    await expect(page.getByRole('banner')).toContainText(`${email} · viewer`);
    await audit(page, 'workspace-second');
  });
});
