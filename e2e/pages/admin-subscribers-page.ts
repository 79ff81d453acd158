import type { Page } from '@playwright/test';

/**
 * The admin console's subscribers: the search page, one subscriber's page (identity, proof,
 * subscriptions, "subscribed at D?", the consent history) and the printable receipt.
 */
export class AdminSubscribersPage {
  constructor(readonly page: Page) {}

  open(workspaceSlug: string) {
    return this.page.goto(`/admin/${workspaceSlug}/subscribers`);
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  // --- search ---

  searchField() {
    return this.page.getByLabel('Email, phone number or external id');
  }

  async search(text: string) {
    await this.searchField().fill(text);
    await this.page.getByRole('button', { name: 'Search', exact: true }).click();
  }

  results() {
    return this.page.getByRole('list', { name: 'Matching subscribers' }).getByRole('listitem');
  }

  // --- one subscriber ---

  /** The consent history's event cards, newest first. */
  events() {
    return this.page
      .getByRole('list', { name: 'Consent events, newest first' })
      .getByRole('article');
  }

  subscriptionsOf(category: string) {
    return this.page
      .getByRole('list', { name: 'Subscriptions by category' })
      .getByRole('listitem')
      .filter({ has: this.page.getByRole('heading', { name: new RegExp(`^${category}\\b`) }) });
  }

  async askAt(category: string, channel: string, at: string) {
    await this.page.getByLabel('Category', { exact: true }).selectOption({ label: category });
    await this.page.getByLabel('Channel', { exact: true }).selectOption({ label: channel });
    await this.page.getByLabel('Date and time (UTC)').fill(at);
    await this.page.getByRole('button', { name: 'Check', exact: true }).click();
  }

  answer() {
    return this.page.getByTestId('consent-at-answer');
  }

  verifyButton() {
    return this.page.getByRole('button', { name: 'Verify the chain' });
  }

  downloadReceipt() {
    return this.page.getByRole('link', { name: 'Download consent receipt (JSON)' });
  }

  printableReceipt() {
    return this.page.getByRole('link', { name: 'Printable consent receipt' });
  }

  receiptHeadHash() {
    return this.page.getByTestId('receipt-head-hash');
  }

  /** How far the page scrolls sideways (0: it fits the viewport). */
  horizontalOverflow() {
    return this.page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
  }
}
