import { expect, test } from './fixtures';

/**
 * The hot endpoints answer identically through the fast path (server.ts, before Next's router)
 * and through Next's route files (`x-dial-route: next` sends a request there).
 */
test('the check answers the same through the fast path and through Next', async ({
  dial,
  request,
}) => {
  const key = (
    await dial.cli(['api-key', 'create', '--workspace', 'demo', '--scope', 'check'])
  ).stdout.trim();
  const bodies = [
    { subscriber: { email: 'demo@example.com' }, category: 'promotions', channel: 'email' },
    { subscriber: { email: 'nobody@example.com' }, category: 'order-updates', channel: 'email' },
    { subscriber: { email: 'demo@example.com' }, category: 'nope', channel: 'email' },
    { subscriber: { email: 'not-an-address' }, category: 'promotions', channel: 'email' },
  ];
  for (const data of bodies) {
    const fast = await request.post('/api/v1/check', {
      headers: { authorization: `Bearer ${key}` },
      data,
    });
    const next = await request.post('/api/v1/check', {
      headers: { authorization: `Bearer ${key}`, 'x-dial-route': 'next' },
      data,
    });
    expect(fast.status()).toBe(next.status());
    expect(fast.headers()['content-type']).toBe(next.headers()['content-type']);
    expect(await fast.json()).toEqual(await next.json());
  }
  const noKey = await request.post('/api/v1/check', { data: bodies[0] });
  const noKeyNext = await request.post('/api/v1/check', {
    headers: { 'x-dial-route': 'next' },
    data: bodies[0],
  });
  expect(noKey.status()).toBe(401);
  expect(await noKey.json()).toEqual(await noKeyNext.json());
});
