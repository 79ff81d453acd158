import type { Page } from '@playwright/test';

/** The admin console's workspace settings: one section per subject, and a mail text's page. */
export class AdminSettingsPage {
  constructor(readonly page: Page) {}

  open(workspaceSlug: string) {
    return this.page.goto(`/admin/${workspaceSlug}/settings`);
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  /** A section of the page by its heading ("Branding", "Sender", ...). */
  section(title: string) {
    return this.page.getByRole('region', { name: title, exact: true });
  }

  field(section: string, label: string) {
    return this.section(section).getByLabel(label, { exact: true });
  }

  save(section: string) {
    return this.section(section).getByRole('button', { name: /^Save/ });
  }

  /** Every save button on the page (a viewer has none). */
  saveButtons() {
    return this.page.getByRole('button', { name: /^Save/ });
  }

  /** The link to one mail's text in one language, from the "Mail texts" section. */
  mailLink(mail: string, language: string) {
    return this.section('Mail texts').getByRole('link', {
      name: new RegExp(`^(Edit|View) ${mail} in ${language}`),
    });
  }

  subjectField() {
    return this.page.getByLabel('Subject', { exact: true });
  }

  bodyField() {
    return this.page.getByLabel('Text', { exact: true });
  }

  previewSubject() {
    return this.page.getByTestId('preview-subject');
  }

  previewFrame() {
    return this.page.frameLocator('iframe[title="Preview of the mail"]');
  }
}
