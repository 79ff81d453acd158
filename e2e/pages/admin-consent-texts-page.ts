import type { Page } from '@playwright/test';

/** The admin console's consent texts: the list, one text's versions, and the version form. */
export class AdminConsentTextsPage {
  constructor(readonly page: Page) {}

  open(workspaceSlug: string) {
    return this.page.goto(`/admin/${workspaceSlug}/consent-texts`);
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  /** The cards of the list, one per text. */
  texts() {
    return this.page
      .getByRole('list', { name: 'Consent texts' })
      .getByRole('listitem')
      .filter({
        has: this.page.getByRole('heading', { level: 2 }),
      });
  }

  /** The current version line of one language of one text, on the list. */
  languageLine(key: string, language: string) {
    return this.page
      .getByRole('list', { name: `Languages of ${key}` })
      .getByRole('listitem')
      .filter({ hasText: language });
  }

  /** One language's versions on a text's page, newest first. */
  versions(language: string) {
    return this.page
      .getByRole('list', { name: `${language} versions, newest first` })
      .getByRole('listitem');
  }

  newTextLink() {
    return this.page.getByRole('link', { name: 'New consent text' });
  }

  newVersionLink() {
    return this.page.getByRole('link', { name: 'New version' });
  }

  keyField() {
    return this.page.getByLabel('Key');
  }

  language() {
    return this.page.getByLabel('Language');
  }

  wording() {
    return this.page.getByLabel('Wording');
  }

  submit(label: 'Create consent text' | 'Save new version') {
    return this.page.getByRole('button', { name: label });
  }
}
