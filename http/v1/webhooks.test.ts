import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb } from '@/db/client';
import { createApiKey } from '@/domain/api-keys';
import { makeWorkspace } from '@/domain/test-fixtures';
import { resetConfig } from '@/platform/config';
import { openApiDocument } from './openapi';
import { createWebhook, deleteWebhook, listWebhookDeliveries, listWebhooks } from './webhooks';

const BASE = 'http://dial.test';
type Handler = (r: Request) => Promise<Response>;

function call(handler: Handler, method: string, path: string, key: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return handler(
    new Request(`${BASE}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

async function expectProblem(response: Response, status: number, type?: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = await response.json();
  expect(body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  if (type) expect(body.type).toBe(`urn:dial:problem:${type}`);
  return body as { detail: string; errors?: { path: string; message: string }[] };
}

const create = (key: string, body: unknown) =>
  call(createWebhook, 'POST', '/api/v1/webhooks', key, body);

let key: string;
let readKey: string;
let otherKey: string;
beforeAll(async () => {
  const { workspaceId } = await makeWorkspace('webhooks-api');
  key = (await createApiKey({ workspaceId })).key;
  readKey = (await createApiKey({ workspaceId, scope: 'read' })).key;
  const other = await makeWorkspace('webhooks-api-other');
  otherKey = (await createApiKey({ workspaceId: other.workspaceId })).key;
});
afterAll(() => closeDb());

/** Runs with DIAL_ALLOW_PRIVATE_WEBHOOKS set as given, then puts the environment back. */
async function withPrivateWebhooks<T>(value: '0' | '1', run: () => Promise<T>): Promise<T> {
  const previous = process.env.DIAL_ALLOW_PRIVATE_WEBHOOKS;
  process.env.DIAL_ALLOW_PRIVATE_WEBHOOKS = value;
  resetConfig();
  try {
    return await run();
  } finally {
    if (previous === undefined) delete process.env.DIAL_ALLOW_PRIVATE_WEBHOOKS;
    else process.env.DIAL_ALLOW_PRIVATE_WEBHOOKS = previous;
    resetConfig();
  }
}

describe('POST /api/v1/webhooks', () => {
  it('answers 201 {id, secret} with a Standard Webhooks secret; the list shows it without the secret', async () => {
    const response = await create(key, {
      url: 'https://93.184.215.14/hooks/dial',
      events: ['consent.changed', 'consent.changed'],
    });
    expect(response.status).toBe(201);
    const created = await response.json();
    expect(Object.keys(created).sort()).toEqual(['id', 'secret']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const everything = await (await create(key, { url: 'http://8.8.8.8/all' })).json();

    const list = await call(listWebhooks, 'GET', '/api/v1/webhooks', readKey);
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).not.toContain(created.secret.slice(6));
    expect(text).not.toContain('secret');
    const { webhooks } = JSON.parse(text);
    expect(webhooks).toEqual([
      {
        id: created.id,
        url: 'https://93.184.215.14/hooks/dial',
        events: ['consent.changed'],
        createdAt: expect.any(String),
        disabledAt: null,
        disabledReason: null,
      },
      expect.objectContaining({
        id: everything.id,
        events: ['consent.changed', 'subscriber.erased', 'feedback.received'],
      }),
    ]);
  });

  it.each([
    ['http://127.0.0.1:8080/hook', /loopback/],
    ['http://localhost/hook', /loopback/],
    ['http://[::1]/hook', /loopback/],
    ['http://[::ffff:127.0.0.1]/hook', /loopback/],
    ['http://10.1.2.3/hook', /private/],
    ['http://172.20.0.1/hook', /private/],
    ['http://192.168.1.1/hook', /private/],
    ['http://[fd12:3456::1]/hook', /private/],
    ['http://169.254.169.254/latest/meta-data', /link-local/],
    ['http://[fe80::1]/hook', /link-local/],
    ['http://100.64.0.1/hook', /CGNAT/],
    ['http://0.0.0.0/hook', /unspecified/],
    ['http://[::ffff:a9fe:a9fe]/hook', /link-local/],
    ['http://2130706433/hook', /loopback/],
  ])('refuses %s with a 422 that says why', async (url, why) => {
    const body = await expectProblem(await create(key, { url }), 422, 'validation');
    expect(body.detail).toMatch(why);
    expect(body.detail).toMatch(/public addresses/);
    expect(body.errors?.[0]?.path).toBe('url');
  });

  it('refuses what is not http or https, and unknown event types', async () => {
    await expectProblem(await create(key, { url: 'ftp://example.com/x' }), 422, 'validation');
    await expectProblem(await create(key, { url: 'file:///etc/passwd' }), 422, 'validation');
    await expectProblem(await create(key, { url: 'not a url' }), 422, 'validation');
    const body = await expectProblem(
      await create(key, { url: 'https://93.184.215.14/x', events: ['consent.deleted'] }),
      422,
    );
    expect(body.errors?.[0]?.path).toBe('events.0');
  });

  it('accepts private targets when the operator sets DIAL_ALLOW_PRIVATE_WEBHOOKS=1', async () => {
    await withPrivateWebhooks('1', async () => {
      expect((await create(key, { url: 'http://127.0.0.1:9/hook' })).status).toBe(201);
    });
    await withPrivateWebhooks('0', async () => {
      await expectProblem(await create(key, { url: 'http://127.0.0.1:9/hook' }), 422);
    });
  });

  it('needs the write scope: a read key gets 403 and creates nothing', async () => {
    const before = await (await call(listWebhooks, 'GET', '/api/v1/webhooks', readKey)).json();
    await expectProblem(
      await create(readKey, { url: 'https://93.184.215.14/read' }),
      403,
      'forbidden',
    );
    await expectProblem(
      await call(deleteWebhook, 'DELETE', `/api/v1/webhooks/${before.webhooks[0].id}`, readKey),
      403,
    );
    const after = await (await call(listWebhooks, 'GET', '/api/v1/webhooks', readKey)).json();
    expect(after.webhooks).toEqual(before.webhooks);
  });
});

describe('another workspace', () => {
  it("never sees, lists or deletes this workspace's endpoints: 404", async () => {
    const { id } = await (await create(key, { url: 'https://93.184.215.14/mine' })).json();
    const theirs = await (await call(listWebhooks, 'GET', '/api/v1/webhooks', otherKey)).json();
    expect(theirs.webhooks).toEqual([]);
    await expectProblem(
      await call(deleteWebhook, 'DELETE', `/api/v1/webhooks/${id}`, otherKey),
      404,
      'not-found',
    );
    await expectProblem(
      await call(listWebhookDeliveries, 'GET', `/api/v1/webhooks/${id}/deliveries`, otherKey),
      404,
      'not-found',
    );
    await expectProblem(
      await call(listWebhookDeliveries, 'GET', '/api/v1/webhooks/not-a-uuid/deliveries', key),
      404,
    );
    // Still there for its owner.
    const deliveries = await call(
      listWebhookDeliveries,
      'GET',
      `/api/v1/webhooks/${id}/deliveries`,
      readKey,
    );
    expect(deliveries.status).toBe(200);
    expect(await deliveries.json()).toEqual({ attempts: [] });
  });
});

describe('DELETE /api/v1/webhooks/{id}', () => {
  it('answers 204, then 404', async () => {
    const { id } = await (await create(key, { url: 'https://93.184.215.14/gone' })).json();
    const gone = await call(deleteWebhook, 'DELETE', `/api/v1/webhooks/${id}`, key);
    expect(gone.status).toBe(204);
    await expectProblem(await call(deleteWebhook, 'DELETE', `/api/v1/webhooks/${id}`, key), 404);
    const { webhooks } = await (await call(listWebhooks, 'GET', '/api/v1/webhooks', key)).json();
    expect(webhooks.map((w: { id: string }) => w.id)).not.toContain(id);
  });
});

describe('the OpenAPI document', () => {
  it('describes the webhook endpoints, from the same schema, and the events Dial sends', () => {
    const doc = openApiDocument();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/webhooks',
        '/api/v1/webhooks/{id}',
        '/api/v1/webhooks/{id}/deliveries',
      ]),
    );
    const created = doc.components.schemas.WebhookCreate as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(created.required).toEqual(['url']);
    expect(Object.keys(created.properties)).toEqual(['url', 'events']);
    expect(Object.keys(doc.webhooks)).toEqual([
      'consent.changed',
      'subscriber.erased',
      'feedback.received',
    ]);
  });
});
