import { expect, test } from './fixtures';
import { MailboxPage } from './pages/mailbox-page';
import { PreferencesPage } from './pages/preferences-page';
import { UnsubscribePage } from './pages/unsubscribe-page';
import { MODES, PHONE } from './support';

/**
 * Someone taps "unsubscribe" in a message, on a phone, maybe with JavaScript off: one tap, a
 * clear confirmation with an undo, an optional question, or "send me less" instead. Every page
 * passes axe (nothing serious or critical) and is screenshotted.
 */

for (const mode of MODES) {
  test.describe(`the unsubscribe link, ${mode.name}`, () => {
    test.use({ javaScriptEnabled: mode.javaScriptEnabled, viewport: PHONE });

    test('unsubscribes from the one category and channel the link is for', async ({
      api,
      audit,
      page,
    }) => {
      const who = await api.newSubscriber({
        subscribed: [
          ['promotions', 'email'],
          ['promotions', 'sms'],
        ],
        category: 'promotions',
        channel: 'email',
      });
      const u = new UnsubscribePage(page);
      await u.open(who.links.unsubscribeUrl);
      await expect(u.heading()).toHaveText('Stop these messages?');
      await expect(
        page.getByText('This link stops Promotions by email from Demo Shop.'),
      ).toBeVisible();
      await audit(page, 'landing');

      await u.unsubscribeThis().click();
      await expect(u.heading()).toHaveText('You are unsubscribed');
      await expect(
        page.getByText('You will not get Promotions by email from Demo Shop'),
      ).toBeVisible();
      await expect(page).toHaveURL(/\/done\?/);
      await audit(page, 'done');

      expect(await api.check(who.email, 'promotions', 'email')).toMatchObject({
        allowed: false,
        reason: 'unsubscribed',
      });
      // Only what the link was for: the same category by text message is still on.
      expect(await api.check(who.email, 'promotions', 'sms')).toMatchObject({ allowed: true });
    });

    test('unsubscribes from everything, then undoes it', async ({ api, audit, page }) => {
      const who = await api.newSubscriber({
        subscribed: [
          ['promotions', 'email'],
          ['product-news', 'email'],
        ],
        category: 'promotions',
        channel: 'email',
      });
      const u = new UnsubscribePage(page);
      await u.open(who.links.unsubscribeUrl);
      await expect(u.heading()).toHaveText('Stop these messages?');
      await u.unsubscribeEverything().click();
      await expect(u.heading()).toHaveText('You are unsubscribed');
      await expect(page.getByText('You will not get all marketing messages')).toBeVisible();
      await audit(page, 'done-everything');
      for (const category of ['promotions', 'product-news']) {
        expect(await api.check(who.email, category, 'email')).toMatchObject({ allowed: false });
      }
      // Receipts still arrive.
      expect(await api.check(who.email, 'order-updates', 'email')).toMatchObject({
        allowed: true,
        reason: 'transactional',
      });

      await u.undo().click();
      await expect(u.heading()).toHaveText('You are subscribed again');
      await audit(page, 'undone');
      for (const category of ['promotions', 'product-news']) {
        expect(await api.check(who.email, category, 'email')).toMatchObject({
          allowed: true,
          reason: 'subscribed',
        });
      }
    });

    test('takes the optional feedback after an opt-out', async ({ api, audit, page, request }) => {
      const who = await api.newSubscriber({ category: 'promotions', channel: 'email' });
      const u = new UnsubscribePage(page);
      await u.open(who.links.unsubscribeUrl);
      await u.unsubscribeThis().click();
      await expect(u.heading()).toHaveText('You are unsubscribed');
      await expect(u.feedbackQuestion()).toBeVisible();

      await u.reason('Too many messages').check();
      await u.comment().fill('Three a day is too many.');
      await u.send().click();
      await expect(u.notice().filter({ hasText: 'Thank you.' })).toBeVisible();
      await expect(u.feedbackQuestion()).toHaveCount(0);
      // Still unsubscribed, and the undo is still offered.
      await expect(u.heading()).toHaveText('You are unsubscribed');
      await expect(u.undo()).toBeVisible();
      await audit(page, 'thanks');

      // The answer is kept with the opt-out: the subscriber's own data shows it.
      const data = await (await request.get(`${who.links.preferencesUrl}/data`)).json();
      expect(data.feedback).toEqual([
        expect.objectContaining({ reason: 'too_frequent', comment: 'Three a day is too many.' }),
      ]);
      expect(await api.check(who.email, 'promotions', 'email')).toMatchObject({ allowed: false });
    });

    test('lets the feedback be skipped', async ({ api, audit, page, request }) => {
      const who = await api.newSubscriber({ category: 'promotions', channel: 'email' });
      const u = new UnsubscribePage(page);
      await u.open(who.links.unsubscribeUrl);
      await u.unsubscribeThis().click();
      await expect(u.feedbackQuestion()).toBeVisible();
      await u.skip().click();
      await expect(u.notice().filter({ hasText: 'No problem.' })).toBeVisible();
      await expect(u.feedbackQuestion()).toHaveCount(0);
      await expect(u.heading()).toHaveText('You are unsubscribed');
      await audit(page, 'skipped');

      const data = await (await request.get(`${who.links.preferencesUrl}/data`)).json();
      expect(data.feedback).toEqual([]);
      expect(await api.check(who.email, 'promotions', 'email')).toMatchObject({ allowed: false });
    });

    test('"send me less instead" opts down to monthly and stays subscribed', async ({
      api,
      audit,
      page,
    }) => {
      const who = await api.newSubscriber({ category: 'promotions', channel: 'email' });
      const u = new UnsubscribePage(page);
      await u.open(who.links.unsubscribeUrl);
      await u.sendMeLess().click();
      const less = new PreferencesPage(page);
      await expect(less.heading()).toHaveText('Send me less instead');
      await expect(page).toHaveURL(/\/less(\?|$)/);
      await audit(page, 'less');

      await expect(less.frequency('Promotions')).toHaveValue('instant');
      await less.frequency('Promotions').selectOption('monthly');
      await less.save().click();
      await expect(less.notice()).toContainText('Saved.');
      // Monthly is the least there is: nothing lower is left to choose.
      await expect(less.frequency('Promotions')).toHaveCount(0);
      await expect(less.channel('Promotions', 'Email')).toBeChecked();
      await audit(page, 'less-saved');

      expect(await api.check(who.email, 'promotions', 'email')).toMatchObject({
        allowed: true,
        reason: 'subscribed',
        frequency: 'monthly',
      });
    });

    test('"send me less instead" pauses everything for 30 days', async ({ api, audit, page }) => {
      const who = await api.newSubscriber({ category: 'promotions', channel: 'email' });
      const u = new UnsubscribePage(page);
      const less = new PreferencesPage(page);
      await u.open(who.links.unsubscribeUrl);
      await u.sendMeLess().click();
      await expect(less.heading()).toHaveText('Send me less instead');
      await less.pause(30).check();
      await less.save().click();
      await expect(less.notice()).toContainText('Saved.');
      await expect(less.pausedUntil()).toBeVisible();
      // The reduce-only view offers no way back on: no "Resume now".
      await expect(less.resumeNow()).toHaveCount(0);
      await audit(page, 'paused');

      const answer = await api.check(who.email, 'promotions', 'email');
      expect(answer).toMatchObject({ allowed: false, reason: 'paused' });
      const days = (Date.parse(answer.resumesAt ?? '') - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29.9);
      expect(days).toBeLessThanOrEqual(30);
    });

    test('switches to Spanish from the footer, and unsubscribes in Spanish', async ({
      api,
      audit,
      page,
    }) => {
      const who = await api.newSubscriber({ category: 'promotions', channel: 'email' });
      const u = new UnsubscribePage(page);
      await u.open(who.links.unsubscribeUrl);
      await expect(page.locator('html')).toHaveAttribute('lang', 'en');
      await u.languageLink('Español').click();
      await expect(page.locator('html')).toHaveAttribute('lang', 'es');
      await expect(u.heading()).toHaveText('¿Dejar de recibir estos mensajes?');
      await audit(page, 'landing-es');

      await page.getByRole('button', { name: 'Darme de baja de Promociones por correo' }).click();
      await expect(u.heading()).toHaveText('Te has dado de baja');
      await expect(page.locator('html')).toHaveAttribute('lang', 'es');
      await audit(page, 'done-es');
      expect(await api.check(who.email, 'promotions', 'email')).toMatchObject({ allowed: false });
    });
  });
}

test.describe('the confirmation mail', () => {
  test.use({ viewport: PHONE });

  test('arrives after an opt-out, with a preferences link that opens the center', async ({
    api,
    audit,
    dial,
    page,
  }) => {
    const who = await api.newSubscriber({ category: 'promotions', channel: 'email' });
    const u = new UnsubscribePage(page);
    await u.open(who.links.unsubscribeUrl);
    await u.unsubscribeThis().click();
    await expect(u.heading()).toHaveText('You are unsubscribed');

    // The outbox worker delivers to the dev mailbox within a couple of seconds.
    const mailbox = new MailboxPage(page);
    await expect
      .poll(
        async () => {
          await mailbox.open();
          return mailbox.mail(who.email, 'You’re unsubscribed').count();
        },
        { timeout: 15_000, intervals: [250, 500, 1000] },
      )
      .toBe(1);
    await mailbox.mail(who.email, 'You’re unsubscribed').click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('You’re unsubscribed');
    const text = (await mailbox.textPart().textContent()) ?? '';
    expect(text).toContain('You’re unsubscribed from Promotions by email.');
    const preferences = new RegExp(`${dial.baseURL.replace(/[.:/]/g, '\\$&')}/p/[\\w.-]+`).exec(
      text,
    )?.[0];
    expect(preferences, text).toBeTruthy();

    const prefs = new PreferencesPage(page);
    await prefs.open(preferences as string);
    await expect(prefs.heading()).toHaveText('Your message preferences');
    await expect(prefs.channel('Promotions', 'Email')).not.toBeChecked();
    await audit(page, 'preferences-from-mail');
  });
});
