import { z } from 'zod';
import {
  emailSchema,
  externalIdSchema,
  phoneSchema,
  type SubscriberRef,
} from '@/domain/subscribers';
import { type JsonObjectEvent, jsonObjectEvents } from '../json-stream';
import { bodyChunks, isNdjson, ndjsonLines } from '../ndjson';
import { ProblemError } from '../problem';
import { parseWith } from '../request';

/**
 * The input side of the bulk endpoints (check/bulk, links/bulk): subscriber references streamed
 * in from a JSON body `{..., "subscribers": [ref, ...]}` or an NDJSON body (one ref a line,
 * options in the query string), handed on in batches in input order.
 *
 * What goes wrong, and what the caller sees:
 * - A reference that is not valid (not JSON, not one of {id} {externalId} {email} {phone}, a
 *   bad address) never stops the request: it comes out as `{ line, error }` in its place.
 *   `line` is its 1-based position: the line number in NDJSON (blank lines are skipped but
 *   counted), the place in the array in JSON.
 * - A problem with the whole request (bad options, a JSON body whose structure is broken, too
 *   large a body, too many references) is thrown as a ProblemError. Found while the first batch
 *   is read, it becomes the problem+json answer and nothing else is written; found later, the
 *   references before it are answered and the stream ends with a `{"problem": ...}` line.
 *
 * In the JSON form the options may come before or after `subscribers`. When they are all known
 * by the time the array starts (in the body, or in the query string), references stream
 * straight through. Otherwise they are held until the body ends, at most `holdLimit` of them;
 * beyond that the request is refused (422) with a hint to put the options first.
 */

/** A reference with its JSON text as answers echo it (normalised), or an input error. */
export type BulkRef = { ref: SubscriberRef; json: string };
export type BulkItem = BulkRef | { line: number; error: string };

export type BulkSpec<P> = {
  paramsSchema: z.ZodType<P>;
  /** The options' names: body fields in JSON, query parameters in either form. */
  paramNames: readonly string[];
  maxReferences: number;
  maxBytes: number;
  batchSize: number;
  holdLimit: number;
};

export type BulkInput<P> = {
  params: P;
  batches: AsyncGenerator<BulkItem[]>;
  /** Stops reading the body, for a caller that refuses the request after all. */
  close: () => Promise<void>;
};

const ARRAY_FIELD = 'subscribers';
/** A reference is a few dozen characters; this leaves room for whitespace and long external ids. */
const MAX_REFERENCE_LENGTH = 8 * 1024;
const MAX_OPTION_LENGTH = 1024;

export const BULK_BATCH_SIZE = 5_000;

export async function readBulkInput<P>(
  request: Request,
  url: URL,
  spec: BulkSpec<P>,
): Promise<BulkInput<P>> {
  const type = request.headers.get('content-type') ?? '';
  if (isNdjson(request)) return readNdjson(request, url, spec);
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ProblemError(
      'unsupported_media_type',
      `Expected application/json or application/x-ndjson, got ${type}.`,
    );
  }
  return readJson(request, url, spec);
}

function queryParams(url: URL, names: readonly string[]): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const name of names) {
    const value = url.searchParams.get(name);
    if (value !== null) raw[name] = value;
  }
  return raw;
}

function readNdjson<P>(request: Request, url: URL, spec: BulkSpec<P>): BulkInput<P> {
  const params = parseWith(spec.paramsSchema, queryParams(url, spec.paramNames));
  async function* items(): AsyncGenerator<BulkItem[]> {
    const lines = ndjsonLines(bodyChunks(request, spec.maxBytes), MAX_REFERENCE_LENGTH);
    for await (const group of lines) {
      yield group.map(({ line, text }): BulkItem => {
        if (text === null) {
          return { line, error: `the line is longer than ${MAX_REFERENCE_LENGTH} characters` };
        }
        return itemOf(line, text);
      });
    }
  }
  const batches = batchesOf(items(), spec);
  return { params, batches, close: () => closeInput(request, batches) };
}

async function closeInput(
  request: Request,
  batches: AsyncGenerator<unknown>,
  source?: AsyncGenerator<unknown>,
): Promise<void> {
  await batches.return(undefined);
  await source?.return(undefined);
  // A body nobody started reading is cancelled here (a started one by the generators above).
  if (request.body && !request.body.locked) await request.body.cancel().catch(() => undefined);
}

async function readJson<P>(request: Request, url: URL, spec: BulkSpec<P>): Promise<BulkInput<P>> {
  const events = jsonObjectEvents(bodyChunks(request, spec.maxBytes), {
    arrayField: ARRAY_FIELD,
    maxElementLength: MAX_REFERENCE_LENGTH,
    maxFieldLength: MAX_OPTION_LENGTH,
  });
  const raw = queryParams(url, spec.paramNames);
  const fromQuery = new Set(Object.keys(raw));
  const known = () => spec.paramNames.every((name) => name in raw);
  const option = (name: string, value: unknown) => {
    if (!spec.paramNames.includes(name)) {
      throw new ProblemError('validation', `Unknown field "${name}".`, {
        errors: [{ path: name, message: 'Unrecognized key' }],
      });
    }
    if (fromQuery.has(name) && raw[name] !== value) {
      throw new ProblemError(
        'validation',
        `"${name}" is given in the query string and in the body, differently.`,
        { errors: [{ path: name, message: 'Differs from the query parameter' }] },
      );
    }
    raw[name] = value;
  };

  // Read up to the point where every option is known: the array's start, or the body's end.
  const held: BulkItem[] = [];
  let rest: JsonObjectEvent[] = [];
  let sawArray = false;
  let ready = false;
  try {
    while (!ready) {
      const next = await events.next();
      if (next.done) break;
      const group = next.value;
      for (let i = 0; i < group.length && !ready; i++) {
        const event = group[i] as JsonObjectEvent;
        switch (event.kind) {
          case 'field':
            option(event.name, event.value);
            break;
          case 'array-start':
            sawArray = true;
            if (known()) {
              ready = true;
              rest = group.slice(i + 1);
            }
            break;
          case 'element':
            held.push(itemOf(event.position, event.text));
            if (held.length > spec.maxReferences) throw tooMany(spec.maxReferences);
            if (held.length > spec.holdLimit) {
              throw new ProblemError(
                'validation',
                `Put ${spec.paramNames.join(' and ')} before "${ARRAY_FIELD}" in the body, or in the query string, to send more than ${spec.holdLimit} references.`,
              );
            }
            break;
          case 'end':
            ready = true;
            break;
          case 'array-end':
            break;
        }
      }
    }
    if (!sawArray) {
      throw new ProblemError('validation', `"${ARRAY_FIELD}" is required.`, {
        errors: [{ path: ARRAY_FIELD, message: 'Required' }],
      });
    }
    const params = parseWith(spec.paramsSchema, raw);
    async function* items(): AsyncGenerator<BulkItem[]> {
      if (held.length > 0) yield held;
      let group = rest;
      for (;;) {
        const out: BulkItem[] = [];
        for (const event of group) {
          if (event.kind === 'element') {
            out.push(itemOf(event.position, event.text));
          } else if (event.kind === 'field') {
            // Every option was known when the array began: this one is unknown, or repeats a
            // query parameter (which it must then equal).
            option(event.name, event.value);
          }
        }
        if (out.length > 0) yield out;
        const next = await events.next();
        if (next.done) return;
        group = next.value;
      }
    }
    const batches = batchesOf(items(), spec, events);
    return { params, batches, close: () => closeInput(request, batches, events) };
  } catch (error) {
    await events.return(undefined);
    throw error;
  }
}

/**
 * The usual reference, `{"kind":"value"}` with a plain string, is read without JSON.parse or
 * building an object first (most of the cost of a million); anything else goes through
 * JSON.parse and parseSubscriberRef. The string may hold no escape, quote or control character,
 * so its text is its value, and the pattern accepts no text JSON.parse would refuse.
 */
const PLAIN_REF =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: JSON refuses raw control characters in strings, so must this.
  /^\{[ \t\r\n]*"(id|externalId|email|phone)"[ \t\r\n]*:[ \t\r\n]*"([^"\\\u0000-\u001f]*)"[ \t\r\n]*\}$/;

export function itemOf(line: number, text: string): BulkItem {
  const plain = PLAIN_REF.exec(text);
  let ref: SubscriberRef | string;
  if (plain) ref = refOf(plain[1] as string, plain[2] as string);
  else {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { line, error: 'not valid JSON' };
    }
    ref = parseSubscriberRef(value);
  }
  return typeof ref === 'string' ? { line, error: ref } : { ref, json: refJson(ref) };
}

/**
 * The reference as answers echo it. Normalised ids, emails and phones are plain ASCII without
 * quotes or backslashes (their patterns allow none), so only an external id needs escaping.
 */
export function refJson(ref: SubscriberRef): string {
  if ('email' in ref) return `{"email":"${ref.email}"}`;
  if ('id' in ref) return `{"id":"${ref.id}"}`;
  if ('phone' in ref) return `{"phone":"${ref.phone}"}`;
  return `{"externalId":${JSON.stringify(ref.externalId)}}`;
}

function tooMany(max: number) {
  return new ProblemError('too_large', `At most ${max} references may be sent in one request.`);
}

/**
 * Regroups the items into batches of `batchSize`, counting them against the maximum. When the
 * input fails after a batch has gone out, the items read before the failure still go out as a
 * last batch, then the failure is thrown; before that, the failure alone is thrown.
 */
async function* batchesOf<P>(
  items: AsyncGenerator<BulkItem[]>,
  spec: BulkSpec<P>,
  source?: AsyncGenerator<unknown>,
): AsyncGenerator<BulkItem[]> {
  let batch: BulkItem[] = [];
  let count = 0;
  let started = false;
  try {
    for await (const group of items) {
      for (const item of group) {
        if (++count > spec.maxReferences) throw tooMany(spec.maxReferences);
        batch.push(item);
        if (batch.length >= spec.batchSize) {
          started = true;
          yield batch;
          batch = [];
        }
      }
    }
  } catch (error) {
    if (started && batch.length > 0) yield batch;
    throw error;
  } finally {
    await source?.return(undefined);
  }
  if (batch.length > 0) yield batch;
}

// --- references ----------------------------------------------------------------------------

const REF_SHAPE = 'a subscriber reference is one of {"id"}, {"externalId"}, {"email"}, {"phone"}';
const UUID = z.regexes.uuid();
const EMAIL = z.regexes.email;
const E164 = /^\+[1-9]\d{6,14}$/;
const FIELD_SCHEMAS: Record<string, z.ZodType<string>> = {
  id: z.uuid(),
  externalId: externalIdSchema,
  email: emailSchema,
  phone: phoneSchema,
};

/**
 * The same as `subscriberRefSchema`, a few times faster for the common case (a million
 * references is a few seconds of zod). A value the quick checks do not accept goes to the
 * field's own schema, which gives the error message and has the last word. Ids come out
 * lower-cased, as the database writes them, so they match.
 */
export function parseSubscriberRef(value: unknown): SubscriberRef | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return REF_SHAPE;
  const keys = Object.keys(value);
  const kind = keys[0];
  if (keys.length !== 1 || kind === undefined) return REF_SHAPE;
  return refOf(kind, (value as Record<string, unknown>)[kind]);
}

function refOf(kind: string, raw: unknown): SubscriberRef | string {
  const schema = FIELD_SCHEMAS[kind];
  if (!schema) return REF_SHAPE;
  if (typeof raw === 'string') {
    switch (kind) {
      case 'id':
        if (UUID.test(raw)) return { id: raw.toLowerCase() };
        break;
      case 'externalId': {
        const v = raw.trim();
        if (v.length >= 1 && v.length <= 200) return { externalId: v };
        break;
      }
      case 'email': {
        const v = raw.trim();
        if (v.length <= 320 && EMAIL.test(v)) return { email: v.toLowerCase() };
        break;
      }
      case 'phone': {
        const v = raw.trim().replace(/[\s().-]/g, '');
        if (E164.test(v)) return { phone: v };
        break;
      }
    }
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) {
    const v = kind === 'id' ? parsed.data.toLowerCase() : parsed.data;
    return { [kind]: v } as SubscriberRef;
  }
  return `${kind}: ${parsed.error.issues[0]?.message ?? 'invalid'}`;
}

// --- output --------------------------------------------------------------------------------

/**
 * Answers batches in order, with one batch's work running while the previous answer is being
 * written; the first batch is answered at once, so the first line does not wait for a second
 * batch. A failure of the input is thrown after the answers already under way; a failure of
 * the work is thrown at once (nothing after it may come out of order).
 */
export async function* pipelined<T>(
  batches: AsyncGenerator<T>,
  work: (batch: T) => Promise<string>,
): AsyncGenerator<string> {
  let pending: Promise<string> | undefined;
  let first = true;
  try {
    for (;;) {
      let next: IteratorResult<T>;
      try {
        next = await batches.next();
      } catch (error) {
        if (pending) yield await pending;
        throw error;
      }
      if (next.done) break;
      const answer = work(next.value);
      if (first) {
        first = false;
        yield await answer;
        continue;
      }
      answer.catch(() => undefined); // awaited below; this only stops an early "unhandled" report
      const previous = pending;
      pending = answer;
      if (previous) yield await previous;
    }
    if (pending) yield await pending;
  } finally {
    await batches.return(undefined);
  }
}

/**
 * The lines of a batch, with each input error in its place among the answers. `line` writes
 * one answer's JSON text, given the reference's (string building: a million JSON.stringify
 * calls of whole objects would cost more than the database does).
 */
export function batchLines<A>(
  batch: BulkItem[],
  answers: A[],
  line: (refJson: string, answer: A) => string,
): string {
  let out = '';
  let k = 0;
  for (const item of batch) {
    out += 'ref' in item ? line(item.json, answers[k++] as A) : JSON.stringify(item);
    out += '\n';
  }
  return out;
}

export function refsOf(batch: BulkItem[]): SubscriberRef[] {
  const refs: SubscriberRef[] = [];
  for (const item of batch) if ('ref' in item) refs.push(item.ref);
  return refs;
}
