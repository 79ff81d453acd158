import type { Page } from '@playwright/test';

/** A workspace's analytics: the filters, the charts with their numbers, and the feedback. */
export class AdminAnalyticsPage {
  constructor(readonly page: Page) {}

  open(workspaceSlug: string, query = '') {
    return this.page.goto(`/admin/${workspaceSlug}/analytics${query}`);
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  filters() {
    return this.page.getByRole('form', { name: 'What to show' });
  }

  period() {
    return this.filters().getByLabel('Period');
  }

  groupBy() {
    return this.filters().getByLabel('Group by');
  }

  category() {
    return this.filters().getByLabel('Category');
  }

  channel() {
    return this.filters().getByLabel('Channel');
  }

  show() {
    return this.filters().getByRole('button', { name: 'Show' });
  }

  /** One of the charts over time, by its accessible name ("Opt-ins per month"). */
  chart(name: string) {
    return this.page.getByRole('img', { name });
  }

  /** Opens "The numbers" and answers the table's body rows. */
  async numberRows() {
    const details = this.page.locator('details').filter({ hasText: 'The numbers' });
    if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open)))
      await details.locator('summary').click();
    return details.getByRole('table').locator('tbody').getByRole('row');
  }

  saveRate() {
    return this.page.getByRole('region', { name: 'Save rate' });
  }

  linkOpens() {
    return this.page.getByRole('region', { name: /^Link opens/ });
  }

  comments() {
    return this.page
      .getByRole('list', { name: 'Recent comments, newest first' })
      .getByRole('listitem');
  }

  reasons() {
    return this.page.getByRole('list', { name: 'Reasons given, with how many people gave each' });
  }
}
