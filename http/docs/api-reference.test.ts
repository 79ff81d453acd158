import { describe, expect, it } from 'vitest';
import { openApiDocument } from '@/http/v1/openapi';
import {
  curl,
  describeSchema,
  exampleOf,
  fieldRows,
  groupOperations,
  HTTP_METHODS,
  inline,
  type OpenApiDocument,
  operations,
  paragraphs,
  resolveRef,
  scopeOf,
  shellQuote,
} from './api-reference';

const doc = (schemas: OpenApiDocument['components'] extends infer C ? C : never) =>
  ({ openapi: '3.1.0', components: schemas }) as OpenApiDocument;

const cyclic = doc({
  schemas: {
    Node: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string' },
        children: { type: 'array', items: { $ref: '#/components/schemas/Node' } },
        parent: { $ref: '#/components/schemas/Node' },
      },
    },
    A: { type: 'object', properties: { b: { $ref: '#/components/schemas/B' } } },
    B: { type: 'object', properties: { a: { $ref: '#/components/schemas/A' } } },
  },
});

describe('$ref resolution', () => {
  it('follows local refs, JSON-pointer escapes included, and refuses others', () => {
    const d = doc({ schemas: { 'a/b': { type: 'string' }, Links: { type: 'object' } } });
    expect(resolveRef(d, '#/components/schemas/Links')).toEqual({ type: 'object' });
    expect(resolveRef(d, '#/components/schemas/a~1b')).toEqual({ type: 'string' });
    expect(resolveRef(d, '#/components/schemas/Missing')).toBeUndefined();
    expect(resolveRef(d, 'https://example.com/schema.json')).toBeUndefined();
  });

  it('renders a referenced schema as its fields, naming the component', () => {
    const d = doc({
      schemas: {
        Ref: {
          type: 'object',
          required: ['email'],
          properties: { email: { type: 'string', format: 'email' } },
        },
      },
    });
    const field = describeSchema(d, { $ref: '#/components/schemas/Ref' });
    expect(field.refName).toBe('Ref');
    expect(field.children).toMatchObject([
      { name: 'email', type: 'string', required: true, constraints: ['format email'] },
    ]);
  });

  it('cuts a self-referencing schema where it repeats, instead of recursing forever', () => {
    const field = describeSchema(cyclic, { $ref: '#/components/schemas/Node' });
    const children = field.children.find((f) => f.name === 'children');
    const parent = field.children.find((f) => f.name === 'parent');
    expect(children).toMatchObject({ type: 'array of object', circular: 'Node' });
    expect(parent).toMatchObject({ circular: 'Node', children: [] });
    // A cycle through two schemas is cut too: A -> B -> A.
    const a = describeSchema(cyclic, { $ref: '#/components/schemas/A' });
    expect(a.children[0]?.children[0]).toMatchObject({ name: 'a', circular: 'A' });
  });

  it('builds finite examples from cyclic schemas', () => {
    expect(exampleOf(cyclic, { $ref: '#/components/schemas/Node' })).toEqual({
      name: 'string',
      children: [{}],
      parent: {},
    });
    expect(exampleOf(cyclic, { $ref: '#/components/schemas/A' })).toEqual({ b: { a: {} } });
  });
});

describe('field rows', () => {
  const d = doc({});

  it('lists properties with type, required, description, enum values and limits', () => {
    const rows = fieldRows(d, {
      type: 'object',
      required: ['channel'],
      properties: {
        channel: { type: 'string', enum: ['email', 'sms'], description: 'Where' },
        limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
        frequency: { type: ['string', 'null'] },
        kind: { const: 'consent.changed' },
        tags: { type: 'array', minItems: 1, items: { enum: ['a', 'b'] } },
      },
    });
    expect(rows).toMatchObject([
      {
        name: 'channel',
        type: 'string',
        required: true,
        description: 'Where',
        enumValues: ['"email"', '"sms"'],
      },
      { name: 'limit', type: 'integer', required: false, constraints: ['1 to 500', 'default 100'] },
      { name: 'frequency', type: 'string | null' },
      { name: 'kind', type: 'string', enumValues: ['"consent.changed"'] },
      { name: 'tags', type: 'array of string', enumValues: ['"a"', '"b"'] },
    ]);
  });

  it("reads zod's nullable (anyOf with null) as the type, nullable", () => {
    const [row] = fieldRows(d, {
      type: 'object',
      properties: { channel: { anyOf: [{ type: 'string', enum: ['email'] }, { type: 'null' }] } },
    });
    expect(row).toMatchObject({ type: 'string | null', enumValues: ['"email"'], variants: [] });
  });

  it('nests objects and arrays of objects', () => {
    const [changes] = fieldRows(d, {
      type: 'object',
      properties: {
        changes: {
          type: 'array',
          items: {
            type: 'object',
            required: ['category'],
            properties: { category: { type: 'string' }, after: { type: 'object' } },
          },
        },
      },
    });
    expect(changes).toMatchObject({ name: 'changes', type: 'array of object' });
    expect(changes?.children.map((c) => [c.name, c.required])).toEqual([
      ['category', true],
      ['after', false],
    ]);
  });

  it('shows the subscriber reference of the real document as {id} | {externalId} | {email} | {phone}', () => {
    const real = openApiDocument() as OpenApiDocument;
    const rows = fieldRows(real, real.components?.schemas?.CheckRequest);
    expect(rows.map((r) => r.name)).toEqual([
      'subscriber',
      'category',
      'channel',
      'record',
      'messageId',
    ]);
    const subscriber = rows[0];
    expect(subscriber?.type).toBe('one of {id} | {externalId} | {email} | {phone}');
    expect(subscriber?.variants.map((v) => v.field.children.map((c) => c.name))).toEqual([
      ['id'],
      ['externalId'],
      ['email'],
      ['phone'],
    ]);
    // The uuid's long pattern restates its format: only the format is shown.
    expect(subscriber?.variants[0]?.field.children[0]?.constraints).toEqual(['format uuid']);
  });
});

describe('examples', () => {
  const d = doc({});

  it('takes example, examples, const, default, then the first enum value', () => {
    expect(exampleOf(d, { type: 'string', example: 'x', examples: ['y'] })).toBe('x');
    expect(exampleOf(d, { type: 'string', examples: ['y', 'z'] })).toBe('y');
    expect(exampleOf(d, { const: 'List-Unsubscribe=One-Click' })).toBe(
      'List-Unsubscribe=One-Click',
    );
    expect(exampleOf(d, { enum: ['csv', 'ndjson'], default: 'ndjson' })).toBe('ndjson');
    expect(exampleOf(d, { enum: ['subscribed', 'unsubscribed'] })).toBe('subscribed');
  });

  it('fills strings by field name, then format, and numbers from their minimum', () => {
    expect(exampleOf(d, { type: 'string', format: 'uuid' })).toMatch(/^[0-9a-f-]{36}$/);
    expect(exampleOf(d, { type: 'string', format: 'date-time' })).toBe('2025-06-01T09:30:00Z');
    expect(exampleOf(d, { type: 'string', format: 'email' })).toBe('demo@example.com');
    expect(exampleOf(d, { type: 'string' }, {}, 'category')).toBe('promotions');
    expect(exampleOf(d, { type: 'string', format: 'uri' }, {}, 'url')).toBe(
      'https://example.com/hooks/dial',
    );
    expect(exampleOf(d, { type: 'integer', minimum: 5 })).toBe(5);
    expect(exampleOf(d, { type: ['string', 'null'] })).toBe('string');
    expect(exampleOf(d, { type: 'null' })).toBeNull();
  });

  it('keeps only required properties for requests, unless none is required', () => {
    const schema = {
      type: 'object',
      required: ['category'],
      properties: { category: { type: 'string' }, record: { type: 'boolean' } },
    };
    expect(exampleOf(d, schema, { properties: 'required' })).toEqual({ category: 'promotions' });
    expect(exampleOf(d, schema, { properties: 'all' })).toEqual({
      category: 'promotions',
      record: true,
    });
    const allOptional = { type: 'object', properties: { locale: { type: 'string' } } };
    expect(exampleOf(d, allOptional, { properties: 'required' })).toEqual({ locale: 'en' });
  });

  it('picks the alternative the demo workspace can answer: a subscriber by email', () => {
    const real = openApiDocument() as OpenApiDocument;
    expect(
      exampleOf(real, real.components?.schemas?.CheckRequest, { properties: 'required' }),
    ).toEqual({
      subscriber: { email: 'demo@example.com' },
      category: 'promotions',
      channel: 'email',
    });
  });
});

describe('operations of the real document', () => {
  const real = openApiDocument() as OpenApiDocument;
  const ops = operations(real, { baseUrl: 'https://dial.example.com' });

  it('lists every method of every path, with unique anchors', () => {
    const expected = Object.entries(real.paths ?? {}).flatMap(([path, item]) =>
      HTTP_METHODS.filter((m) => m in item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(ops.map((o) => `${o.method} ${o.path}`)).toEqual(expected);
    expect(new Set(ops.map((o) => o.id)).size).toBe(ops.length);
    expect(ops.find((o) => o.path === '/api/v1/check')?.id).toBe('post-api-v1-check');
  });

  it('groups by path prefix, bulk calls beside their single ones', () => {
    const groups = groupOperations(ops);
    const check = groups.find((g) => g.name === 'Check');
    expect(check?.operations.map((o) => o.path)).toEqual(['/api/v1/check', '/api/v1/check/bulk']);
  });

  it('renders every webhook event with its body', () => {
    const events = operations(real, { baseUrl: 'x', section: 'webhooks' });
    expect(events.map((e) => e.path)).toEqual([
      'consent.changed',
      'subscriber.erased',
      'feedback.received',
    ]);
    expect(events[0]?.id).toBe('webhook-consent-changed');
    expect(events[0]?.parameters.map((p) => p.name)).toEqual([
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ]);
    expect(events[0]?.requestBody?.content[0]?.example).toMatchObject({ type: 'consent.changed' });
  });

  it('collapses statuses answered with the same problem document', () => {
    const check = ops.find((o) => o.path === '/api/v1/check');
    expect(check?.responses.map((r) => r.statuses)).toEqual([
      ['200'],
      ['400', '401', '403', '413', '415', '422'],
      ['429'], // its own: it carries Retry-After
    ]);
  });

  it('gives a copyable curl with the example body, path parameters and headers', () => {
    const check = ops.find((o) => o.path === '/api/v1/check');
    expect(check?.curl).toBe(
      [
        `curl -s 'https://dial.example.com/api/v1/check'`,
        `-H "Authorization: Bearer $KEY"`,
        `-H 'Content-Type: application/json'`,
        `-d '{"subscriber":{"email":"demo@example.com"},"category":"promotions","channel":"email"}'`,
      ].join(' \\\n  '),
    );
    const del = ops.find((o) => o.method === 'DELETE');
    expect(del?.curl).toMatch(
      /^curl -s -X DELETE 'https:\/\/dial\.example\.com\/api\/v1\/webhooks\/[0-9a-f-]{36}'/,
    );
    expect(ops.find((o) => o.path === '/api/v1/consents')?.curl).toContain("-H 'Idempotency-Key: ");
    expect(ops.find((o) => o.path === '/api/v1/suppressions')?.curl).toContain(
      '/api/v1/suppressions?channel=email',
    );
  });
});

describe('scopes', () => {
  it('reads the scope from security, else the description, else the method', () => {
    const d = doc({});
    expect(scopeOf(d, 'post', { security: [{ bearer: ['check'] }] })).toEqual({
      scope: 'check',
      stated: true,
    });
    expect(scopeOf(d, 'post', { description: 'Scope `check` or `write`. Reads only.' })).toEqual({
      scope: 'check',
      stated: true,
    });
    expect(scopeOf(d, 'get', {})).toEqual({ scope: 'read', stated: false });
    expect(scopeOf(d, 'delete', {})).toEqual({ scope: 'write', stated: false });
  });
});

describe('text', () => {
  it('splits paragraphs and reads `code` and bare links', () => {
    expect(paragraphs('One `a`.\n\nTwo')).toEqual([
      [
        { kind: 'text', text: 'One ' },
        { kind: 'code', text: 'a' },
        { kind: 'text', text: '.' },
      ],
      [{ kind: 'text', text: 'Two' }],
    ]);
    expect(inline('per Standard Webhooks (https://www.standardwebhooks.com): headers')).toEqual([
      { kind: 'text', text: 'per Standard Webhooks (' },
      {
        kind: 'link',
        text: 'https://www.standardwebhooks.com',
        href: 'https://www.standardwebhooks.com',
      },
      { kind: 'text', text: '): headers' },
    ]);
  });

  it('quotes shell words, single quotes included', () => {
    expect(shellQuote(`{"a":"it's"}`)).toBe(`'{"a":"it'\\''s"}'`);
    expect(curl({ baseUrl: 'http://h/', method: 'post', path: '/x/{id}', parameters: [] })).toBe(
      `curl -s -X POST 'http://h/x/{id}' \\\n  -H "Authorization: Bearer $KEY"`,
    );
  });
});
