import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '@/domain/webhook-receiver.fixture';
import { checkWebhookUrl, forbiddenRange, postGuarded, TargetRefusedError } from './ssrf';

describe('forbiddenRange', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['fc00::1', 'private'],
    ['fdff:ffff::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.255', 'shared (CGNAT)'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a00:1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
  ])('%s is %s', (address, kind) => {
    expect(forbiddenRange(address)).toBe(kind);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
  ])('%s is public', (address) => {
    expect(forbiddenRange(address)).toBeNull();
  });
});

describe('checkWebhookUrl', () => {
  it('refuses names that resolve to loopback, unless private targets are allowed', async () => {
    await expect(
      checkWebhookUrl('http://localhost:3000/x', { allowPrivate: false }),
    ).rejects.toThrow(TargetRefusedError);
    await expect(
      checkWebhookUrl('http://localhost:3000/x', { allowPrivate: true }),
    ).resolves.toBeInstanceOf(URL);
  });
  it('refuses other schemes and credentials even when private targets are allowed', async () => {
    for (const url of ['ftp://example.com/', 'gopher://x/', 'https://user:pw@example.com/']) {
      await expect(checkWebhookUrl(url, { allowPrivate: true })).rejects.toThrow(
        TargetRefusedError,
      );
    }
  });
});

describe('postGuarded', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  const post = (url: string, allowPrivate: boolean, timeoutMs = 5_000) =>
    postGuarded(url, {
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
      timeoutMs,
      excerptBytes: 8,
      allowPrivate,
    });

  it('does not connect to a private address, by IP or by a name that resolves to one', async () => {
    await expect(post(receiver.url, false)).rejects.toThrow(/loopback/);
    await expect(post(receiver.url.replace('127.0.0.1', 'localhost'), false)).rejects.toThrow(
      /localhost \(.+\), a loopback address/,
    );
    expect(receiver.received).toHaveLength(0);
  });

  it('posts when allowed, and keeps only an excerpt of the answer', async () => {
    receiver.respond(() => ({ status: 202, body: 'a long answer that is cut' }));
    const answer = await post(receiver.url, true);
    expect(answer.statusCode).toBe(202);
    expect(answer.excerpt).toBe('a long a');
    expect(receiver.received[0]?.body).toBe('{"a":1}');
  });

  it('gives up after the timeout', async () => {
    const { createServer } = await import('node:http');
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as { port: number };
    try {
      await expect(post(`http://127.0.0.1:${port}/`, true, 300)).rejects.toThrow(/no answer/);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
