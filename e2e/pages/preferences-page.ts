import type { Page } from '@playwright/test';

/**
 * The preference form: the full center a "manage preferences" link opens (/p/{token}) and the
 * reduce-only view behind "Send me less instead" (/u/{token}/less). English labels.
 */
export class PreferencesPage {
  constructor(readonly page: Page) {}

  open(url: string) {
    return this.page.goto(url);
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  /** A category's card, e.g. "Promotions". */
  category(name: string) {
    return this.page.getByRole('region', { name, exact: true });
  }

  /** A category's checkbox for one channel, e.g. ('Promotions', 'Text messages'). */
  channel(category: string, channel: string) {
    return this.category(category).getByRole('checkbox', { name: channel, exact: true });
  }

  /** The "How often" select of a category. */
  frequency(category: string) {
    return this.category(category).getByRole('combobox', { name: 'How often' });
  }

  /** "Pause for 30 days (date)". */
  pause(days: 30 | 60 | 90) {
    return this.page.getByRole('radio', { name: new RegExp(`^Pause for ${days} days`) });
  }

  resumeNow() {
    return this.page.getByRole('radio', { name: 'Resume now' });
  }

  /** "Marketing messages are paused until <date>." */
  pausedUntil() {
    return this.page.getByText(/^Marketing messages are paused until /);
  }

  /** "Stop all Email" and the like, under "Stop a whole channel". */
  stopChannel(channel: string) {
    return this.page
      .getByRole('region', { name: 'Stop a whole channel' })
      .getByRole('checkbox', { name: `Stop all ${channel}`, exact: true });
  }

  doNotSell() {
    return this.page.getByRole('checkbox', {
      name: 'Do not sell or share my personal information',
    });
  }

  /** The stored language select (only on the full center). */
  language() {
    return this.page.getByRole('main').getByRole('combobox', { name: 'Language' });
  }

  save() {
    return this.page.getByRole('button', { name: 'Save my choices' });
  }

  /** The notice a save leaves: "Saved. ...", the conflict notice, a refusal. */
  notice() {
    return this.page.getByRole('status');
  }

  downloadLink() {
    return this.page.getByRole('link', { name: 'Download my data' });
  }

  eraseLink() {
    return this.page.getByRole('link', { name: 'Erase me' });
  }

  /** The field name of a category x channel checkbox: `sub:<categoryId>:<channel>`. */
  async fieldName(category: string, channel: string): Promise<string> {
    const name = await this.channel(category, channel).getAttribute('name');
    if (!name) throw new Error(`No field for ${category} / ${channel}`);
    return name;
  }
}
