import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { type SmtpCapture, startSmtpCapture, textPart } from './smtp-capture';

/**
 * The embedded signup and checkout forms, from a shop on another site (the demo host on
 * localhost framing Dial on 127.0.0.1), with third-party cookies blocked, double opt-in mails
 * caught by a real SMTP server, and an origin that is not allowed.
 */

const DIAL = `http://127.0.0.1:${process.env.E2E_MAIL_PORT}`;
const HOST = `http://localhost:${process.env.E2E_HOST_PORT}`;
const FOREIGN = `http://evil.test:${process.env.E2E_HOST_PORT}`;

test.use({
  viewport: { width: 390, height: 844 },
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      // Third-party cookies blocked, as Safari, Firefox and incognito Chrome do.
      '--test-third-party-cookie-phaseout',
      '--block-third-party-cookies',
      // A site the demo form does not allow, served by the same demo host.
      '--host-resolver-rules=MAP evil.test 127.0.0.1',
    ],
  },
});

let smtp: SmtpCapture;

test.beforeAll(async () => {
  smtp = await startSmtpCapture(Number(process.env.E2E_SMTP_PORT));
});

test.afterAll(async () => {
  await smtp.close();
});

const mailTo = (address: string) => smtp.mailTo(address);

/** Collects the dial:* events the host page receives, from before the loader runs. */
async function recordEvents(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __dial: { type: string; detail: unknown }[] };
    w.__dial = [];
    for (const type of ['dial:ready', 'dial:resize', 'dial:subscribed', 'dial:error']) {
      window.addEventListener(type, (e) =>
        w.__dial.push({ type, detail: (e as CustomEvent).detail }),
      );
    }
  });
}
const events = (page: Page) =>
  page.evaluate(
    () =>
      (window as unknown as { __dial: { type: string; detail: Record<string, unknown> }[] }).__dial,
  );

test.describe('embedded forms on another site', () => {
  let key = '';
  test.beforeAll(async ({ dial }) => {
    const env = {
      DIAL_DATA_DIR: process.env.E2E_MAIL_DATA_DIR as string,
      PORT: process.env.E2E_MAIL_PORT as string,
      DIAL_BASE_URL: DIAL,
    };
    const created = await dial.cli(['api-key', 'create', '--workspace', 'demo'], { env });
    key = created.stdout.trim();
    expect(key).toMatch(/^dial_/);
  });

  const promotions = async (request: import('@playwright/test').APIRequestContext, email: string) =>
    (
      await request.post(`${DIAL}/api/v1/check`, {
        headers: { authorization: `Bearer ${key}` },
        data: { subscriber: { email }, category: 'promotions', channel: 'email' },
      })
    ).json();

  test('newsletter: sign up in the iframe, pending until the mailed link is confirmed by its button', async ({
    page,
    request,
  }, testInfo) => {
    await recordEvents(page);
    await page.goto(`${HOST}/`);
    const frame = page.frameLocator('iframe[src*="/embed/demo/newsletter"]');
    await expect(frame.getByRole('button', { name: 'Subscribe' })).toBeVisible();
    await expect
      .poll(async () => (await events(page)).some((e) => e.type === 'dial:ready'))
      .toBe(true);
    // Never pre-ticked.
    await expect(frame.getByRole('checkbox', { checked: true })).toHaveCount(0);

    const email = `embed-${Date.now()}@example.com`;
    await frame.getByLabel('Email address').fill(email);
    await frame.getByRole('checkbox', { name: /Promotions by email/ }).check();
    await frame.getByRole('button', { name: 'Subscribe' }).click();
    await expect(frame.getByText('Almost done: check your inbox to confirm.')).toBeVisible();
    await expect
      .poll(async () => (await events(page)).find((e) => e.type === 'dial:subscribed')?.detail, {
        timeout: 20_000,
      })
      .toMatchObject({ workspace: 'demo', form: 'newsletter', status: 'pending' });
    const subscribed = (await events(page)).find((e) => e.type === 'dial:subscribed')?.detail as {
      events: string[];
    };
    expect(subscribed.events.length).toBeGreaterThan(0);
    await testInfo.attach('newsletter-host-390', {
      body: await page.screenshot({ fullPage: true }),
      contentType: 'image/png',
    });
    expect(await promotions(request, email)).toMatchObject({ allowed: false, reason: 'pending' });

    const mail = await mailTo(email);
    expect(mail.raw).toMatch(/Content-Type: text\/plain/i);
    expect(mail.raw).toMatch(/Content-Type: text\/html/i);
    const link = /(http:\/\/127\.0\.0\.1:\d+\/c\/\S+)/.exec(textPart(mail.raw))?.[1] as string;
    expect(link).toBeTruthy();
    // A mail scanner's GET confirms nothing.
    expect((await request.get(link)).status()).toBe(200);
    expect(await promotions(request, email)).toMatchObject({ reason: 'pending' });

    await page.goto(link);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByText('Your subscription is confirmed')).toBeVisible();
    expect(await promotions(request, email)).toMatchObject({ allowed: true, reason: 'subscribed' });
    expect(await page.context().cookies()).toEqual([]);
  });

  test('checkout: the shop sets the email through the script API and submits with the order', async ({
    page,
  }) => {
    await recordEvents(page);
    await page.goto(`${HOST}/checkout.html`);
    const frame = page.frameLocator('iframe[src*="/embed/demo/checkout"]');
    await expect(frame.getByRole('checkbox', { name: /Promotions by email/ })).toBeVisible();
    await frame.getByRole('checkbox', { name: /Promotions by email/ }).check();
    const email = `checkout-${Date.now()}@example.com`;
    await page.locator('#shop-email').fill(email);
    await expect(frame.getByLabel('Email address')).toHaveValue(email);
    // Submit with the order, as the shop's own code does: through the script API.
    const result = await page.evaluate(() =>
      (
        window as unknown as {
          Dial: { form: (slug: string) => { submit: () => Promise<unknown> } };
        }
      ).Dial.form('checkout').submit(),
    );
    expect(result).toMatchObject({ form: 'checkout', status: 'pending' });
    await expect
      .poll(async () => (await events(page)).find((e) => e.type === 'dial:subscribed')?.detail, {
        timeout: 20_000,
      })
      .toMatchObject({ form: 'checkout', status: 'pending' });
    await mailTo(email);
  });

  test('a site that is not allowed cannot frame the form and hears nothing', async ({ page }) => {
    await recordEvents(page);
    await page.goto(`${FOREIGN}/`);
    const iframe = page.locator('iframe[src*="/embed/demo/newsletter"]');
    await expect(iframe).toHaveCount(1);
    await page.waitForTimeout(3000);
    expect(await events(page)).toEqual([]);
    // The browser refused to render Dial inside it (frame-ancestors): no form in the frame.
    await expect(
      page
        .frameLocator('iframe[src*="/embed/demo/newsletter"]')
        .getByRole('button', { name: 'Subscribe' }),
    ).toHaveCount(0);
  });

  test('bursts get a 429 with a clear message', async ({ request }) => {
    let last = 0;
    let body = '';
    for (let i = 0; i < 25 && last !== 429; i++) {
      const page = await request.get(`${DIAL}/embed/demo/newsletter`);
      const token = /name="form_token" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
      const res = await request.post(`${DIAL}/embed/demo/newsletter/submit`, {
        form: {
          form_token: token,
          email: `burst${i}@example.com`,
          'opt:promotions:email': 'on',
          website: '',
        },
        maxRedirects: 0,
      });
      last = res.status();
      body = await res.text();
    }
    expect(last).toBe(429);
    expect(body).toContain('Too many attempts');
  });
});
