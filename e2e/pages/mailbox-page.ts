import type { Page } from '@playwright/test';

/** The dev mailbox (/dev/mailbox, loopback only): the mails Dial would have sent. */
export class MailboxPage {
  constructor(readonly page: Page) {}

  open() {
    return this.page.goto('/dev/mailbox');
  }

  /** The list entry of the mail to this address with this subject. */
  mail(to: string, subject: string) {
    return this.page
      .getByRole('link')
      .filter({ hasText: `To ${to}` })
      .filter({ hasText: subject });
  }

  /** On a mail's page: its text part. */
  textPart() {
    return this.page.getByRole('region', { name: 'Text part' }).locator('pre');
  }
}
