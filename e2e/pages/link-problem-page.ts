import type { Page } from '@playwright/test';

/** What a link that cannot be honoured opens: a plain 404 page saying why, and a way out. */
export class LinkProblemPage {
  constructor(readonly page: Page) {}

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  freshLink() {
    return this.page.getByRole('link', { name: 'Email me a fresh link' });
  }
}
