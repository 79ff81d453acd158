import type { Page } from '@playwright/test';

/**
 * What an unsubscribe link opens (/u/{token}): the landing with its three choices, then the
 * confirmation (/u/{token}/done) with the undo and the optional feedback question.
 */
export class UnsubscribePage {
  constructor(readonly page: Page) {}

  open(url: string) {
    return this.page.goto(url);
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  // --- the landing ---

  /** "Unsubscribe from <what the link is for>". */
  unsubscribeThis() {
    return this.page.getByRole('button', { name: /^Unsubscribe from (?!everything$)/ });
  }

  unsubscribeEverything() {
    return this.page.getByRole('button', { name: 'Unsubscribe from everything' });
  }

  sendMeLess() {
    return this.page.getByRole('link', { name: /^Send me less instead/ });
  }

  /** A language in the footer's switcher, by its own name ("Español"). */
  languageLink(name: string) {
    return this.page
      .getByRole('contentinfo')
      .getByRole('navigation')
      .getByRole('link', { name, exact: true });
  }

  // --- the confirmation ---

  undo() {
    return this.page.getByRole('button', { name: 'Undo' });
  }

  reason(label: string) {
    return this.page.getByRole('radio', { name: label });
  }

  comment() {
    return this.page.getByRole('textbox', { name: /^Anything else\?/ });
  }

  send() {
    return this.page.getByRole('button', { name: 'Send', exact: true });
  }

  skip() {
    return this.page.getByRole('link', { name: 'Skip', exact: true });
  }

  feedbackQuestion() {
    return this.page.getByRole('group', { name: 'Would you tell us why?' });
  }

  notice() {
    return this.page.getByRole('status');
  }
}
