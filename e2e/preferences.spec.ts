import fs from 'node:fs/promises';
import { expect, test } from './fixtures';
import { PreferencesPage } from './pages/preferences-page';
import { UnsubscribePage } from './pages/unsubscribe-page';
import { DESKTOP, MODES, PHONE, screenshot } from './support';

/**
 * The preference center a "manage preferences" link opens, on a phone, with JavaScript on and
 * off: opt down, pause, stop a channel, do-not-sell, language, a save that would overwrite a
 * change made elsewhere, "download my data" and "erase me". Every page passes axe.
 */

for (const mode of MODES) {
  test.describe(`the preference center, ${mode.name}`, () => {
    test.use({ javaScriptEnabled: mode.javaScriptEnabled, viewport: PHONE });

    test('opts down to monthly', async ({ api, audit, page }) => {
      const who = await api.newSubscriber();
      const prefs = new PreferencesPage(page);
      await prefs.open(who.links.preferencesUrl);
      await expect(prefs.heading()).toHaveText('Your message preferences');
      await expect(prefs.channel('Promotions', 'Email')).toBeChecked();
      await expect(prefs.frequency('Promotions')).toHaveValue('instant');
      await audit(page, 'preferences');

      await prefs.frequency('Promotions').selectOption({ label: 'At most once a month' });
      await prefs.save().click();
      await expect(prefs.notice()).toContainText('Saved.');
      await expect(prefs.frequency('Promotions')).toHaveValue('monthly');
      await audit(page, 'saved-monthly');

      expect(await api.check(who.email, 'promotions', 'email')).toMatchObject({
        allowed: true,
        reason: 'subscribed',
        frequency: 'monthly',
      });
    });

    test('pauses for 30 days and shows until when', async ({ api, audit, page }) => {
      const who = await api.newSubscriber();
      const prefs = new PreferencesPage(page);
      await prefs.open(who.links.preferencesUrl);
      await expect(prefs.pausedUntil()).toHaveCount(0);
      await prefs.pause(30).check();
      await prefs.save().click();
      await expect(prefs.notice()).toContainText('Saved.');

      const answer = await api.check(who.email, 'promotions', 'email');
      expect(answer).toMatchObject({ allowed: false, reason: 'paused' });
      const resumesAt = new Date(answer.resumesAt ?? '');
      const days = (resumesAt.getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29.9);
      expect(days).toBeLessThanOrEqual(30);
      // The page says until when: the same day, written out.
      const until = new Intl.DateTimeFormat('en', { dateStyle: 'long' }).format(resumesAt);
      await expect(prefs.pausedUntil()).toHaveText(`Marketing messages are paused until ${until}.`);
      await expect(prefs.resumeNow()).toBeVisible();
      await audit(page, 'paused');
    });

    test('opts out of a whole channel', async ({ api, audit, page }) => {
      const who = await api.newSubscriber({
        subscribed: [
          ['promotions', 'email'],
          ['product-news', 'email'],
          ['promotions', 'sms'],
        ],
      });
      const prefs = new PreferencesPage(page);
      await prefs.open(who.links.preferencesUrl);
      await expect(prefs.stopChannel('Email')).not.toBeChecked();
      await prefs.stopChannel('Email').check();
      await prefs.save().click();
      await expect(prefs.notice()).toContainText('Saved.');
      await expect(prefs.stopChannel('Email')).toBeChecked();
      await audit(page, 'email-stopped');

      for (const category of ['promotions', 'product-news']) {
        expect(await api.check(who.email, category, 'email')).toMatchObject({
          allowed: false,
          reason: 'global_opt_out',
        });
      }
      // Other channels, and receipts by email, go on.
      expect(await api.check(who.email, 'promotions', 'sms')).toMatchObject({ allowed: true });
      expect(await api.check(who.email, 'order-updates', 'email')).toMatchObject({
        allowed: true,
      });
    });

    test('records "do not sell or share"', async ({ api, audit, page }) => {
      const who = await api.newSubscriber();
      const prefs = new PreferencesPage(page);
      await prefs.open(who.links.preferencesUrl);
      await expect(prefs.doNotSell()).not.toBeChecked();
      await prefs.doNotSell().check();
      await prefs.save().click();
      await expect(prefs.notice()).toContainText('Saved.');
      await expect(prefs.doNotSell()).toBeChecked();
      await audit(page, 'do-not-sell');

      expect(await api.subscriber(who.id)).toMatchObject({ doNotSell: true });
      // It is about data, not messages: the subscription is untouched.
      expect(await api.check(who.email, 'promotions', 'email')).toMatchObject({ allowed: true });
    });

    test('stores German as the language and speaks it from then on', async ({
      api,
      audit,
      page,
    }) => {
      const who = await api.newSubscriber();
      const prefs = new PreferencesPage(page);
      await prefs.open(who.links.preferencesUrl);
      await expect(page.locator('html')).toHaveAttribute('lang', 'en');
      await prefs.language().selectOption({ label: 'Deutsch' });
      await prefs.save().click();
      await expect(page.locator('html')).toHaveAttribute('lang', 'de');
      await expect(prefs.heading()).toHaveText('Ihre Nachrichten-Einstellungen');
      await audit(page, 'saved-de');

      // Opened again later, without any ?lang=, from a browser that asks for English.
      await prefs.open(who.links.preferencesUrl);
      expect(new URL(page.url()).searchParams.has('lang')).toBe(false);
      await expect(page.locator('html')).toHaveAttribute('lang', 'de');
      await expect(prefs.heading()).toHaveText('Ihre Nachrichten-Einstellungen');
      await expect(page.getByRole('combobox', { name: 'Sprache' })).toHaveValue('de');
      // The unsubscribe pages follow the stored language too.
      await new UnsubscribePage(page).open(who.links.unsubscribeUrl);
      await expect(page.locator('html')).toHaveAttribute('lang', 'de');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(
        'Diese Nachrichten abbestellen?',
      );
      expect(await api.subscriber(who.id)).toMatchObject({ locale: 'de' });
    });

    test('does not overwrite a change made in another tab meanwhile', async ({
      api,
      audit,
      context,
      page,
    }) => {
      const who = await api.newSubscriber();
      const first = new PreferencesPage(page);
      const second = new PreferencesPage(await context.newPage());
      await first.open(who.links.preferencesUrl);
      await second.open(who.links.preferencesUrl);

      await first.frequency('Promotions').selectOption('monthly');
      await first.save().click();
      await expect(first.notice()).toContainText('Saved.');

      // The second tab still shows "as they happen" and picks another value of the same select.
      await expect(second.frequency('Promotions')).toHaveValue('instant');
      await second.frequency('Promotions').selectOption('weekly');
      await second.save().click();
      await expect(second.notice()).toContainText(
        'Your preferences were changed elsewhere (in another tab or on another device)',
      );
      await expect(second.frequency('Promotions')).toHaveValue('monthly');
      await audit(second.page, 'conflict');

      expect(await api.check(who.email, 'promotions', 'email')).toMatchObject({
        allowed: true,
        frequency: 'monthly',
      });
    });

    test('downloads my data as JSON, with the ledger', async ({ api, page }) => {
      const who = await api.newSubscriber({
        subscribed: [
          ['promotions', 'email'],
          ['product-news', 'email'],
        ],
      });
      const prefs = new PreferencesPage(page);
      await prefs.open(who.links.preferencesUrl);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        prefs.downloadLink().click(),
      ]);
      expect(download.suggestedFilename()).toBe('my-data.json');
      const data = JSON.parse(await fs.readFile(await download.path(), 'utf8'));
      expect(data).toMatchObject({
        format: 'dial-my-data-v1',
        workspace: { name: 'Demo Shop' },
        subscriber: { id: who.id, email: who.email, erasedAt: null },
      });
      const ledger = await api.events(who.id);
      expect(data.ledger).toHaveLength(ledger.length);
      expect(data.ledger.map((e: { hash: string }) => e.hash)).toEqual(ledger.map((e) => e.hash));
      expect(data.ledger).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ category: 'promotions', channel: 'email', source: 'api' }),
          expect.objectContaining({ category: 'product-news', channel: 'email', source: 'api' }),
        ]),
      );
    });

    test('erases me, after a confirmation', async ({ api, audit, page }) => {
      const who = await api.newSubscriber();
      const prefs = new PreferencesPage(page);
      await prefs.open(who.links.preferencesUrl);
      await prefs.eraseLink().click();
      await expect(prefs.heading()).toHaveText('Erase my data?');
      await audit(page, 'erase-confirm');
      // Nothing is erased before the confirmation.
      expect(await api.check(who.email, 'promotions', 'email')).toMatchObject({ allowed: true });

      await page.getByRole('checkbox', { name: 'Yes, erase my data' }).check();
      await page.getByRole('button', { name: 'Erase my data' }).click();
      await expect(page).toHaveURL(/\/p\/[^/]+\/erased(\?|$)/);
      await expect(prefs.heading()).toHaveText('Your data is erased');
      await audit(page, 'erased');

      expect(await api.check(who.email, 'promotions', 'email')).toMatchObject({ allowed: false });
      // The link itself shows nothing of the person any more.
      await prefs.open(who.links.preferencesUrl);
      await expect(prefs.heading()).toHaveText('Your data is erased');
      await expect(page.getByText(who.email)).toHaveCount(0);
    });
  });
}

test.describe('at desktop width', () => {
  test.use({ viewport: DESKTOP });

  test('the preference center and the unsubscribe page fit a wide screen', async ({
    api,
    page,
  }, testInfo) => {
    const who = await api.newSubscriber({ category: 'promotions', channel: 'email' });
    const prefs = new PreferencesPage(page);
    await prefs.open(who.links.preferencesUrl);
    await expect(prefs.heading()).toHaveText('Your message preferences');
    await screenshot(page, testInfo, 'preferences-1280');
    const u = new UnsubscribePage(page);
    await u.open(who.links.unsubscribeUrl);
    await expect(u.heading()).toHaveText('Stop these messages?');
    await screenshot(page, testInfo, 'unsubscribe-1280');
    // Nothing wider than the window.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
  });
});
