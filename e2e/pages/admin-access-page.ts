import type { Page } from '@playwright/test';

/** The admin console's API keys, webhooks and team pages. */
export class AdminAccessPage {
  constructor(readonly page: Page) {}

  open(workspaceSlug: string, section: 'api-keys' | 'webhooks' | 'team') {
    return this.page.goto(`/admin/${workspaceSlug}/${section}`);
  }

  navLink(name: 'API keys' | 'Webhooks' | 'Team') {
    return this.page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name });
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  button(name: string | RegExp) {
    return this.page.getByRole('button', { name });
  }

  // --- API keys

  keyName() {
    return this.page.getByLabel('Name');
  }

  scope(label: 'Check before sending' | 'Read only' | 'Full access') {
    return this.page.getByRole('radio', { name: new RegExp(`^${label}`) });
  }

  createdKey() {
    return this.page.getByLabel('API key', { exact: true });
  }

  liveKeys() {
    return this.page.getByRole('list', { name: 'API keys in use' }).getByRole('listitem');
  }

  revokedKeys() {
    return this.page.getByRole('list', { name: 'Revoked API keys' }).getByRole('listitem');
  }

  // --- webhooks

  webhookUrl() {
    return this.page.getByLabel('Address (URL)');
  }

  createdSecret() {
    return this.page.getByLabel('Signing secret', { exact: true });
  }

  endpoints() {
    return this.page.getByRole('list', { name: 'Webhooks' }).locator(':scope > li');
  }

  deliveries(url: string) {
    return this.page
      .getByRole('region', { name: `Recent deliveries to ${url}` })
      .getByRole('listitem');
  }

  // --- team

  inviteEmail() {
    return this.page.getByLabel('Email address');
  }

  role(label: 'Viewer' | 'Editor' | 'Owner') {
    return this.page.getByRole('radio', { name: new RegExp(`^${label}`) });
  }

  members() {
    return this.page.getByRole('list', { name: 'Team members' }).getByRole('listitem');
  }

  member(email: string) {
    return this.members().filter({ hasText: email });
  }

  /** How far the page scrolls sideways (0: it fits the viewport). */
  horizontalOverflow() {
    return this.page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
  }
}
