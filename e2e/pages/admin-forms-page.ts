import type { Page } from '@playwright/test';

/** The admin console's forms: the list, a form's page (snippet, editor, preview). */
export class AdminFormsPage {
  constructor(readonly page: Page) {}

  open(workspaceSlug: string, formSlug?: string) {
    return this.page.goto(`/admin/${workspaceSlug}/forms${formSlug ? `/${formSlug}` : ''}`);
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  /** The cards of the list, one per form. */
  cards() {
    return this.page.getByRole('list', { name: 'Forms' }).getByRole('listitem');
  }

  newFormLink() {
    return this.page.getByRole('link', { name: 'New form' });
  }

  nameField() {
    return this.page.getByLabel('Name', { exact: true });
  }

  slugField() {
    return this.page.getByLabel('Slug');
  }

  field(label: 'Email address' | 'Mobile number') {
    return this.page.getByRole('group', { name: 'Fields to ask for' }).getByLabel(label);
  }

  channel(label: 'Email' | 'SMS' | 'WhatsApp') {
    return this.page.getByRole('group', { name: 'Channels', exact: true }).getByLabel(label);
  }

  category(name: string) {
    return this.page
      .getByRole('group', { name: 'Categories offered' })
      .getByRole('checkbox', { name: new RegExp(`^${name}`) });
  }

  doubleOptIn(channel: 'Email' | 'SMS' | 'WhatsApp') {
    return this.page
      .getByRole('group', { name: 'Double opt-in' })
      .getByRole('checkbox', { name: new RegExp(`^${channel}:`) });
  }

  consentText() {
    return this.page.getByLabel('Consent text');
  }

  origins() {
    return this.page.getByLabel('Sites allowed to show the form');
  }

  accent() {
    return this.page.getByLabel('Accent colour (button and boxes)');
  }

  successMessage(language: string) {
    return this.page.getByRole('group', { name: 'Success message' }).getByLabel(language);
  }

  submit(label: 'Create form' | 'Save changes') {
    return this.page.getByRole('button', { name: label });
  }

  /** The live preview: the form as subscribers see it. */
  preview() {
    return this.page.getByTestId('form-preview');
  }

  previewSection() {
    return this.page.getByRole('region', { name: 'Preview' });
  }

  snippet() {
    return this.page.getByRole('region', { name: 'Embed snippet' }).locator('code');
  }

  copyButton() {
    return this.page.getByRole('button', { name: 'Copy snippet' });
  }

  copyStatus() {
    return this.page.getByRole('region', { name: 'Embed snippet' }).getByRole('status');
  }
}
