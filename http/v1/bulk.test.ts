import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { subscriberRefSchema } from '@/domain/subscribers';
import { type JsonObjectEvent, jsonObjectEvents } from '../json-stream';
import { ndjsonLines } from '../ndjson';
import { ProblemError } from '../problem';
import { type BulkItem, itemOf, parseSubscriberRef, pipelined, readBulkInput } from './bulk';
import { openApiDocument } from './openapi';
import { bulkCheckParamsSchema } from './schemas';

/** Unit tests of the streaming input: no database. */

const encoder = new TextEncoder();

async function* pieces(text: string | Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  const bytes = typeof text === 'string' ? encoder.encode(text) : text;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function events(text: string, size: number): Promise<JsonObjectEvent[]> {
  const out: JsonObjectEvent[] = [];
  for await (const group of jsonObjectEvents(pieces(text, size), {
    arrayField: 'subscribers',
    maxElementLength: 1024,
    maxFieldLength: 256,
  })) {
    out.push(...group);
  }
  return out;
}

async function problemOf(promise: Promise<unknown>): Promise<ProblemError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemError);
  return error as ProblemError;
}

describe('the streaming JSON reader', () => {
  const body = JSON.stringify({
    subscribers: [
      { email: 'a"}]b@example.com' },
      { externalId: 'x\\",{[y' },
      { externalId: 'Ünïcødé ✓ 😀' },
      { id: '3b5c1c9e-59a4-4d0a-9a45-0a4fbf7a0c11' },
    ],
    category: 'promo\u00e9tions',
    channel: 'email',
  });

  it('gives the same events whatever the chunk size, even one byte at a time', async () => {
    const whole = await events(body, body.length + 1);
    expect(whole).toEqual([
      { kind: 'array-start' },
      { kind: 'element', position: 1, text: '{"email":"a\\"}]b@example.com"}' },
      { kind: 'element', position: 2, text: '{"externalId":"x\\\\\\",{[y"}' },
      { kind: 'element', position: 3, text: '{"externalId":"Ünïcødé ✓ 😀"}' },
      { kind: 'element', position: 4, text: '{"id":"3b5c1c9e-59a4-4d0a-9a45-0a4fbf7a0c11"}' },
      { kind: 'array-end' },
      { kind: 'field', name: 'category', value: 'promoétions' },
      { kind: 'field', name: 'channel', value: 'email' },
      { kind: 'end' },
    ]);
    for (const size of [1, 2, 3, 7, 64]) expect(await events(body, size)).toEqual(whole);
  });

  it('takes whitespace anywhere, a byte order mark, and an empty array', async () => {
    const spaced = '\ufeff \n{ "category" :\t"p" ,\r\n "subscribers" : [ ] }\n ';
    expect(await events(spaced, 1)).toEqual([
      { kind: 'field', name: 'category', value: 'p' },
      { kind: 'array-start' },
      { kind: 'array-end' },
      { kind: 'end' },
    ]);
  });

  it('an element comes out as its text, valid JSON or not, and reading goes on', async () => {
    const text = '{"subscribers":[{"email":tru},{"email":"b@example.com"}, 12x ,"s"]}';
    expect(await events(text, 5)).toEqual([
      { kind: 'array-start' },
      { kind: 'element', position: 1, text: '{"email":tru}' },
      { kind: 'element', position: 2, text: '{"email":"b@example.com"}' },
      { kind: 'element', position: 3, text: '12x' },
      { kind: 'element', position: 4, text: '"s"' },
      { kind: 'array-end' },
      { kind: 'end' },
    ]);
  });

  it('a broken structure is a malformed problem that says where', async () => {
    for (const [text, detail] of [
      ['', /empty/],
      ['[1,2]', /expected a JSON object/],
      ['{"subscribers":[{"a":1}{"b":2}]}', /expected "," or "]" after element 1/],
      ['{"subscribers":[{"a":1]]}', /mismatched brackets/],
      ['{"subscribers":[{"a":1},]}', /expected a value/],
      ['{"subscribers":[{"a":1}', /ends/],
      ['{"subscribers":[{"a":"x', /ends inside element 2|ends inside element 1/],
      ['{"category":"p"} x', /after the JSON object/],
      ['{"category":"p","category":"q","subscribers":[]}', /appears twice/],
      ['{"category":nope,"subscribers":[]}', /value of "category" is not valid JSON/],
    ] as const) {
      const problem = await problemOf(events(text, 3));
      expect(problem.code, text).toBe('malformed');
      expect(problem.message, text).toMatch(detail);
      expect(problem.message, text).toMatch(/at character \d+/);
    }
  });

  it('subscribers that is not an array is a validation problem', async () => {
    const problem = await problemOf(events('{"subscribers":{"email":"a@example.com"}}', 4));
    expect(problem.code).toBe('validation');
  });

  it('refuses an element or an option longer than its cap, without waiting for its end', async () => {
    const long = `{"subscribers":[{"externalId":"${'x'.repeat(5000)}"}]}`;
    expect((await problemOf(events(long, 100))).message).toMatch(/longer than 1024 characters/);
    const option = `{"category":"${'x'.repeat(1000)}","subscribers":[]}`;
    expect((await problemOf(events(option, 100))).message).toMatch(/longer than 256 characters/);
  });
});

describe('the NDJSON line splitter', () => {
  async function lines(text: string, size: number, max = 20) {
    const out: { line: number; text: string | null }[] = [];
    for await (const group of ndjsonLines(pieces(text, size), max)) out.push(...group);
    return out;
  }

  it('numbers lines from 1, skips blank ones, drops CR and a BOM, keeps a last unterminated line', async () => {
    const text = '\ufeff{"a":1}\r\n\n  \n{"b":"ü"}\n{"c":3}';
    for (const size of [1, 2, 5, 100]) {
      expect(await lines(text, size)).toEqual([
        { line: 1, text: '{"a":1}' },
        { line: 4, text: '{"b":"ü"}' },
        { line: 5, text: '{"c":3}' },
      ]);
    }
  });

  it('an over-long line comes out as null in its place, wherever the chunks split it', async () => {
    const text = `{"a":1}\n${'x'.repeat(50)}\n{"b":2}\n${'y'.repeat(30)}`;
    for (const size of [1, 4, 16, 1000]) {
      expect(await lines(text, size)).toEqual([
        { line: 1, text: '{"a":1}' },
        { line: 2, text: null },
        { line: 3, text: '{"b":2}' },
        { line: 4, text: null },
      ]);
    }
  });
});

describe('subscriber references', () => {
  const samples: unknown[] = [
    { email: ' Ana@Example.COM ' },
    { email: 'a@b' },
    { email: 'not-an-address' },
    { email: `${'a'.repeat(320)}@example.com` },
    { email: 42 },
    { phone: '+1 (415) 555-0100' },
    { phone: '+0123456789' },
    { phone: '14155550100' },
    { externalId: '  crm-1 ' },
    { externalId: '   ' },
    { externalId: 'x'.repeat(201) },
    { id: '3B5C1C9E-59A4-4D0A-9A45-0A4FBF7A0C11' },
    { id: 'nope' },
    { id: '00000000-0000-0000-0000-000000000000' },
    { email: 'a@example.com', phone: '+14155550100' },
    {},
    { name: 'x' },
    null,
    'a@example.com',
    ['a@example.com'],
  ];

  function same(value: unknown) {
    const quick = parseSubscriberRef(value);
    const zod = subscriberRefSchema.safeParse(value);
    if (zod.success) {
      const expected = 'id' in zod.data ? { id: zod.data.id.toLowerCase() } : zod.data;
      expect(quick, JSON.stringify(value)).toEqual(expected);
    } else {
      expect(typeof quick, JSON.stringify(value)).toBe('string');
    }
  }

  it('accept and normalise exactly what subscriberRefSchema does', () => {
    for (const value of samples) same(value);
    const kinds = fc.constantFrom('id', 'externalId', 'email', 'phone');
    const texts = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.emailAddress(),
      fc.uuid(),
      fc.stringMatching(/^ ?\+?[0-9 ().-]{0,20} ?$/),
    );
    fc.assert(
      fc.property(kinds, texts, (kind, text) => same({ [kind]: text })),
      { numRuns: 2000 },
    );
  });

  it('read from text: the quick path for plain ones agrees with JSON.parse and the schema', () => {
    const texts = [
      '{"email":"Ana@Example.com"}',
      '{ "email" : " ana@example.com " }',
      '{\t"phone":\r\n"+1 415 555 0100"}',
      '{"email":"a\tb@example.com"}', // a raw tab: not JSON
      '{"phone":"+1\t4155550100"}', // a raw tab: not JSON, although a phone may hold spaces
      '{\u00a0"email":"a@example.com"}', // not JSON whitespace
      '{"email":"\\u0061@example.com"}', // an escape: JSON.parse reads it
      '{"externalId":"say \\"hi\\""}',
      '{"externalId":"ü ✓"}',
      '{"id":"3B5C1C9E-59A4-4D0A-9A45-0A4FBF7A0C11"}',
      '{"email":"a@example.com","email":"b@example.com"}',
      '{"email":null}',
      '{"fax":"1"}',
      '"a@example.com"',
      'nope',
    ];
    const slow = (text: string) => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return 'invalid';
      }
      const parsed = subscriberRefSchema.safeParse(value);
      if (!parsed.success) return 'invalid';
      return 'id' in parsed.data ? { id: parsed.data.id.toLowerCase() } : parsed.data;
    };
    for (const text of texts) {
      const item = itemOf(7, text);
      const expected = slow(text);
      if (expected === 'invalid')
        expect(item, text).toEqual({ line: 7, error: expect.any(String) });
      else {
        expect(item, text).toEqual({ ref: expected, json: expect.any(String) });
        // The echoed text is the normalised reference, as JSON.
        expect(JSON.parse((item as { json: string }).json), text).toEqual(expected);
      }
    }
  });

  it('say what is wrong', () => {
    expect(parseSubscriberRef({ email: 'nope' })).toMatch(/^email: /);
    expect(parseSubscriberRef({ fax: '1' })).toMatch(/one of/);
  });
});

describe('reading bulk input', () => {
  const spec = {
    paramsSchema: bulkCheckParamsSchema,
    paramNames: ['category', 'channel'],
    maxReferences: 12,
    maxBytes: 10_000,
    batchSize: 5,
    holdLimit: 6,
  };

  function request(body: string, query = '', type = 'application/json') {
    return new Request(`http://dial.test/x${query}`, {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    });
  }
  const refs = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ email: `u${i + 1}@example.com` }));

  async function drain(batches: AsyncGenerator<BulkItem[]>) {
    const out: BulkItem[][] = [];
    let error: unknown;
    try {
      for await (const batch of batches) out.push(batch);
    } catch (e) {
      error = e;
    }
    return { sizes: out.map((b) => b.length), error };
  }

  it('batches in input order, options before or after the array', async () => {
    for (const body of [
      JSON.stringify({ category: 'p', channel: 'email', subscribers: refs(12) }),
      JSON.stringify({ subscribers: refs(6), category: 'p', channel: 'email' }),
    ]) {
      const url = new URL('http://dial.test/x');
      const input = await readBulkInput(request(body), url, spec);
      expect(input.params).toEqual({ category: 'p', channel: 'email' });
      const batches: BulkItem[][] = [];
      for await (const batch of input.batches) batches.push(batch);
      const flat = batches.flat();
      expect(flat).toEqual(refs(flat.length).map((ref) => ({ ref, json: JSON.stringify(ref) })));
    }
  });

  it('more references than allowed: the batches before go out, then too_large', async () => {
    const body = JSON.stringify({ category: 'p', channel: 'email', subscribers: refs(13) });
    const input = await readBulkInput(request(body), new URL('http://dial.test/x'), spec);
    const { sizes, error } = await drain(input.batches);
    expect(sizes).toEqual([5, 5, 2]);
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).code).toBe('too_large');
  });

  it('a broken body after the first batch: what came before goes out, then the problem', async () => {
    const body = `{"category":"p","channel":"email","subscribers":${JSON.stringify(refs(7)).slice(0, -1)},{"email":"x@example.com"} {}]}`;
    const input = await readBulkInput(request(body), new URL('http://dial.test/x'), spec);
    const { sizes, error } = await drain(input.batches);
    expect(sizes).toEqual([5, 3]);
    expect((error as ProblemError).code).toBe('malformed');
  });

  it('a broken body inside the first batch: the problem alone', async () => {
    const body = '{"category":"p","channel":"email","subscribers":[{"email":"a@example.com"} {}]}';
    const input = await readBulkInput(request(body), new URL('http://dial.test/x'), spec);
    const { sizes, error } = await drain(input.batches);
    expect(sizes).toEqual([]);
    expect((error as ProblemError).code).toBe('malformed');
  });

  it('options after more references than it holds: 422 with a hint', async () => {
    const body = JSON.stringify({ subscribers: refs(7), category: 'p', channel: 'email' });
    const problem = await problemOf(
      readBulkInput(request(body), new URL('http://dial.test/x'), spec),
    );
    expect(problem.code).toBe('validation');
    expect(problem.message).toMatch(/before "subscribers"/);
  });

  it('query parameters count as options; the body may repeat them only equal', async () => {
    const body = JSON.stringify({ subscribers: refs(7), channel: 'email' });
    const input = await readBulkInput(
      request(body),
      new URL('http://dial.test/x?category=p&channel=email'),
      spec,
    );
    expect(input.params).toEqual({ category: 'p', channel: 'email' });
    expect((await drain(input.batches)).sizes).toEqual([5, 2]);
    const conflict = JSON.stringify({ channel: 'sms', subscribers: refs(1) });
    const problem = await problemOf(
      readBulkInput(
        request(conflict),
        new URL('http://dial.test/x?channel=email&category=p'),
        spec,
      ),
    );
    expect(problem.code).toBe('validation');
  });

  it('NDJSON: options from the query, bad lines in their place', async () => {
    const body = '{"email":"a@example.com"}\nnope\n\n{"phone":"123"}\n{"externalId":"e"}\n';
    const input = await readBulkInput(
      request(body, '?category=p&channel=sms', 'application/x-ndjson'),
      new URL('http://dial.test/x?category=p&channel=sms'),
      spec,
    );
    const items: BulkItem[] = [];
    for await (const batch of input.batches) items.push(...batch);
    expect(items).toEqual([
      { ref: { email: 'a@example.com' }, json: '{"email":"a@example.com"}' },
      { line: 2, error: 'not valid JSON' },
      { line: 4, error: expect.stringMatching(/^phone: /) },
      { ref: { externalId: 'e' }, json: '{"externalId":"e"}' },
    ]);
  });
});

describe('pipelined answers', () => {
  async function* source(n: number, failAt?: number): AsyncGenerator<number> {
    for (let i = 1; i <= n; i++) {
      if (i === failAt) throw new Error('input broke');
      yield i;
    }
  }

  it('keeps the order, and answers what was under way before an input failure', async () => {
    const out: string[] = [];
    const slow = async (n: number) => {
      await new Promise((r) => setTimeout(r, (5 - n) * 5));
      return `${n}`;
    };
    await expect(
      (async () => {
        for await (const s of pipelined(source(4, 4), slow)) out.push(s);
      })(),
    ).rejects.toThrow('input broke');
    expect(out).toEqual(['1', '2', '3']);
  });

  it('a failed batch stops everything after it', async () => {
    const out: string[] = [];
    const work = async (n: number) => {
      if (n === 2) throw new Error('db down');
      return `${n}`;
    };
    await expect(
      (async () => {
        for await (const s of pipelined(source(5), work)) out.push(s);
      })(),
    ).rejects.toThrow('db down');
    expect(out).toEqual(['1']);
  });
});

describe('the OpenAPI document', () => {
  it('describes the bulk endpoints and the suppression export, every $ref resolving', () => {
    const doc = openApiDocument();
    expect(doc.paths['/api/v1/check/bulk'].post.requestBody.content).toHaveProperty(
      'application/x-ndjson',
    );
    expect(doc.paths['/api/v1/links/bulk'].post).toBeDefined();
    expect(doc.paths['/api/v1/suppressions'].get.parameters[0]).toMatchObject({
      name: 'channel',
      required: true,
    });
    expect(doc.components.schemas.BulkCheckRequest).toMatchObject({
      required: expect.arrayContaining(['category', 'channel', 'subscribers']),
    });
    const refs: string[] = [];
    const walk = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (k === '$ref' && typeof v === 'string') refs.push(v);
          else walk(v);
        }
      }
    };
    walk(doc.paths);
    walk(doc.components);
    for (const r of refs) {
      if (!r.startsWith('#/components/schemas/')) continue; // zod's own local $defs
      expect(doc.components.schemas, r).toHaveProperty(r.slice('#/components/schemas/'.length));
    }
  });
});
