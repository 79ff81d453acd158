import type { Page } from '@playwright/test';

/** The page a "manage preferences" link opens. */
export class PreferencesPage {
  constructor(readonly page: Page) {}

  open(url: string) {
    return this.page.goto(url);
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  category(name: string) {
    return this.page
      .getByRole('listitem')
      .filter({ has: this.page.getByRole('heading', { name, level: 2 }) });
  }

  /** The status shown for one channel of one category, e.g. "On, as they happen". */
  async status(category: string, channel: string) {
    const item = this.category(category);
    const term = item.getByRole('term').filter({ hasText: channel });
    return term.locator('xpath=following-sibling::dd[1]').textContent();
  }
}
