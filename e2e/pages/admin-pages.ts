import type { Page } from '@playwright/test';

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
