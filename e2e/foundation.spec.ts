import { expect, test } from './fixtures';
import { PreferencesPage } from './pages/preferences-page';

test.describe('the embedded server and its CLI', () => {
  test('the home page says what Dial is and points to the demo and the API document', async ({
    page,
  }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('preference center');
    await expect(page.getByRole('heading', { name: 'Try the demo' })).toBeVisible();
    await page.getByRole('link', { name: 'OpenAPI document' }).click();
    await expect(page).toHaveURL(/\/api\/v1\/openapi\.json$/);
    const doc = JSON.parse((await page.locator('body').textContent()) ?? '');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/check',
        '/api/v1/consents',
        '/api/v1/subscribers',
        '/api/v1/subscribers/{id}/events',
      ]),
    );
  });

  test('healthz answers while the database answers', async ({ request }) => {
    const res = await request.get('/healthz');
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: 'pglite' });
  });

  test('the CLI, beside the running server, prints a key and a link that work', async ({
    dial,
    page,
    request,
  }) => {
    const created = await dial.cli(['api-key', 'create', '--workspace', 'demo']);
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^dial_[\w-]+$/);

    const auth = { authorization: `Bearer ${key}` };
    const check = await request.post('/api/v1/check', {
      headers: auth,
      data: { subscriber: { email: 'demo@example.com' }, category: 'promotions', channel: 'email' },
    });
    expect(await check.json()).toEqual({
      allowed: true,
      reason: 'subscribed',
      status: 'subscribed',
      frequency: 'instant',
    });

    const linked = await dial.cli(['link', '--workspace', 'demo', '--email', 'demo@example.com']);
    expect(linked.code, linked.stderr).toBe(0);
    const preferencesUrl = /^preferences: (\S+)$/m.exec(linked.stdout)?.[1];
    expect(preferencesUrl).toMatch(new RegExp(`^${dial.baseURL}/p/`));

    const prefs = new PreferencesPage(page);
    const response = await prefs.open(preferencesUrl as string);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    await expect(prefs.heading()).toHaveText('Your message preferences');
    await expect(prefs.channel('Promotions', 'Email')).toBeChecked();
    await expect(prefs.category('Order updates')).toContainText('Always on');

    // A change through the API shows on the page at once; the page itself never changes consent.
    const change = await request.post('/api/v1/consents', {
      headers: auth,
      data: {
        subscriber: { email: 'demo@example.com' },
        changes: [{ category: 'product-news', channel: 'push', status: 'subscribed' }],
      },
    });
    expect(change.status()).toBe(200);
    await prefs.open(preferencesUrl as string);
    await expect(prefs.channel('Product news', 'Push notifications')).toBeChecked();
    await expect(prefs.channel('Product news', 'Email')).toBeChecked();
  });

  test('a tampered link shows a plain error, not the preferences', async ({ dial, page }) => {
    const linked = await dial.cli(['link', '--workspace', 'demo', '--email', 'demo@example.com']);
    const url = /^preferences: (\S+)$/m.exec(linked.stdout)?.[1] as string;
    const last = url.at(-2) === 'A' ? 'B' : 'A';
    await page.goto(`${url.slice(0, -2)}${last}${url.at(-1)}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('This link is not valid');
    await expect(page.getByText('Promotions')).toHaveCount(0);
  });

  test('the CLI explains what it cannot do', async ({ dial }) => {
    const unknown = await dial.cli([
      'link',
      '--workspace',
      'demo',
      '--email',
      'nobody@example.com',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No subscriber nobody@example.com');
  });
});
