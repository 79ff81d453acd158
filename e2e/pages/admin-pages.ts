import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import type { DialFixture } from '../fixtures';

/** The admin console's sign-in pages and a workspace's home, as a person sees them. */
export class AdminPages {
  constructor(readonly page: Page) {}

  openSignIn() {
    return this.page.goto('/admin/sign-in');
  }

  emailField() {
    return this.page.getByLabel('Email address');
  }

  async requestLink(email: string) {
    await this.emailField().fill(email);
    await this.page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  }

  /** The confirm page's only button. */
  signInButton() {
    return this.page.getByRole('button', { name: 'Sign in', exact: true });
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  newLinkLink() {
    return this.page.getByRole('link', { name: 'Email me a new link' });
  }

  /** The audit log's rows (header row excluded). */
  auditRows() {
    return this.page
      .getByRole('table')
      .getByRole('row')
      .filter({ has: this.page.locator('td') });
  }

  /** The audit log as a phone shows it: one card per entry. */
  auditCards() {
    return this.page
      .getByRole('list', { name: 'Audit log entries, newest first' })
      .getByRole('listitem');
  }

  signOutButton() {
    return this.page.getByRole('button', { name: 'Sign out' });
  }

  /** How far the page scrolls sideways (0: it fits the viewport). */
  horizontalOverflow() {
    return this.page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
  }
}

/** The token-bearing URL the CLI printed, as a path for `page.goto`. */
export function confirmPath(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

/**
 * A new workspace of its own for one test, and a way to sign people into it: each call makes an
 * admin with `role` through the CLI, opens the printed link and presses "Sign in", leaving the
 * page on the workspace's home.
 */
export async function adminWorkspace(
  dial: DialFixture,
  prefix: string,
): Promise<{
  slug: string;
  signIn: (page: Page, role: AdminRole, email?: string) => Promise<string>;
}> {
  const slug = `${prefix}-${randomUUID().slice(0, 6)}`;
  const created = await dial.cli(['workspace', 'create', '--slug', slug, '--name', `Shop ${slug}`]);
  if (created.code !== 0) throw new Error(`workspace create failed: ${created.stderr}`);
  const signIn = async (page: Page, role: AdminRole, email?: string) => {
    const address = email ?? `${role}-${randomUUID().slice(0, 8)}@example.com`;
    const made = await dial.cli([
      'admin',
      'create',
      '--email',
      address,
      '--workspace',
      slug,
      '--role',
      role,
    ]);
    if (made.code !== 0) throw new Error(`admin create failed: ${made.stderr}`);
    await page.goto(confirmPath(made.stdout.trim()));
    await new AdminPages(page).signInButton().click();
    await page.waitForURL(new RegExp(`/admin/${slug}$`));
    return address;
  };
  return { slug, signIn };
}

type AdminRole = 'owner' | 'editor' | 'viewer';
