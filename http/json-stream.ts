import { ProblemError } from './problem';

/**
 * A streaming reader for one JSON object with one large array field, such as
 * `{"category": "promotions", "channel": "email", "subscribers": [ {...}, {...}, ... ]}`:
 * the array's elements come out one by one as their bytes arrive, without the body ever being
 * held whole; the other fields come out whole, in the order they appear (before or after the
 * array). The bytes are decoded as UTF-8 as they come; the reader finds each value's extent
 * (strings and escapes, balanced brackets) and hands the other fields' text to JSON.parse. An
 * element comes out as its text, for the caller to parse as it likes (it is well delimited,
 * but not yet known to be valid JSON).
 *
 * Anything that breaks the structure (a missing comma, mismatched brackets, the body ending
 * early, a value longer than its cap) is a 400 `malformed` problem, thrown.
 */

export type JsonObjectEvent =
  | { kind: 'field'; name: string; value: unknown }
  | { kind: 'array-start' }
  /** `position` counts the array's elements from 1; `text` is the element's JSON text. */
  | { kind: 'element'; position: number; text: string }
  | { kind: 'array-end' }
  | { kind: 'end' };

export type JsonStreamOptions = {
  /** The field whose array is streamed element by element. */
  arrayField: string;
  /** The longest element accepted, in characters. */
  maxElementLength: number;
  /** The longest value of any other field, in characters. */
  maxFieldLength: number;
};

/** The events of the object, one array per input chunk. */
export async function* jsonObjectEvents(
  chunks: AsyncIterable<Uint8Array>,
  options: JsonStreamOptions,
): AsyncGenerator<JsonObjectEvent[]> {
  const parser = new ObjectParser(options);
  // The events before a failure in the same chunk still come out, then the failure.
  const step = function* (final: boolean) {
    const out: JsonObjectEvent[] = [];
    try {
      parser.run(final, out);
    } catch (error) {
      if (out.length > 0) yield out;
      throw error;
    }
    if (out.length > 0) yield out;
  };
  const decoder = new TextDecoder();
  for await (const chunk of chunks) {
    parser.push(decoder.decode(chunk, { stream: true }));
    yield* step(false);
  }
  parser.push(decoder.decode());
  yield* step(true);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MAX_KEY_LENGTH = 1024;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDelimiter(c: number): boolean {
  return isWhitespace(c) || c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET;
}

type State =
  | 'start'
  | 'first-key'
  | 'key'
  | 'colon'
  | 'value'
  | 'first-element'
  | 'element'
  | 'after-element'
  | 'after-value'
  | 'done';

/** Signals that the current unit continues past the bytes at hand. */
const MORE = -1;

/**
 * A resumable parser: each step consumes one whole unit (a token or a value) or nothing, so when
 * the bytes at hand end inside a unit it stops there and resumes at that unit's start once more
 * bytes are pushed. Only the unfinished unit is carried over between chunks.
 */
class ObjectParser {
  private buf = '';
  private pos = 0;
  /** The absolute offset of buf[0] in the decoded body, for error messages. */
  private base = 0;
  private state: State = 'start';
  private key = '';
  private position = 0;
  private readonly seen = new Set<string>();

  constructor(private readonly options: JsonStreamOptions) {}

  push(text: string): void {
    this.base += this.pos;
    this.buf = this.pos < this.buf.length ? this.buf.slice(this.pos) + text : text;
    this.pos = 0;
  }

  run(final: boolean, out: JsonObjectEvent[]): void {
    const b = this.buf;
    for (;;) {
      let p = this.pos;
      while (p < b.length && isWhitespace(b.charCodeAt(p))) p++;
      this.pos = p;
      if (p >= b.length) {
        if (final && this.state !== 'done') {
          this.fail(
            this.state === 'start'
              ? 'the body is empty; send a JSON object'
              : 'the body ends before the JSON object does',
          );
        }
        return;
      }
      const c = b.charCodeAt(p);
      switch (this.state) {
        case 'start':
          if (c !== OPEN_BRACE) this.fail('expected a JSON object');
          this.pos = p + 1;
          this.state = 'first-key';
          break;
        case 'first-key':
        case 'key': {
          if (c === CLOSE_BRACE && this.state === 'first-key') {
            this.pos = p + 1;
            this.state = 'done';
            out.push({ kind: 'end' });
            break;
          }
          if (c !== QUOTE) this.fail('expected a field name');
          const end = this.scanString(p);
          if (end === MORE) {
            this.more(final, p, MAX_KEY_LENGTH, 'a field name');
            return;
          }
          this.key = JSON.parse(b.slice(p, end)) as string;
          if (this.seen.has(this.key)) this.fail(`the field "${this.key}" appears twice`);
          this.seen.add(this.key);
          this.pos = end;
          this.state = 'colon';
          break;
        }
        case 'colon':
          if (c !== COLON) this.fail('expected ":" after a field name');
          this.pos = p + 1;
          this.state = 'value';
          break;
        case 'value': {
          if (this.key === this.options.arrayField) {
            if (c !== OPEN_BRACKET) {
              throw new ProblemError('validation', `"${this.key}" must be an array.`, {
                errors: [{ path: this.key, message: 'Expected an array' }],
              });
            }
            this.pos = p + 1;
            this.state = 'first-element';
            out.push({ kind: 'array-start' });
            break;
          }
          const end = this.scanValue(p);
          if (end === MORE) {
            this.more(final, p, this.options.maxFieldLength, `the value of "${this.key}"`);
            return;
          }
          let value: unknown;
          try {
            value = JSON.parse(b.slice(p, end));
          } catch {
            this.fail(`the value of "${this.key}" is not valid JSON`, p);
          }
          out.push({ kind: 'field', name: this.key, value });
          this.pos = end;
          this.state = 'after-value';
          break;
        }
        case 'first-element':
          if (c === CLOSE_BRACKET) {
            this.pos = p + 1;
            this.state = 'after-value';
            out.push({ kind: 'array-end' });
            break;
          }
          this.state = 'element';
          break;
        case 'element': {
          const end = this.scanValue(p);
          if (end === MORE) {
            this.more(final, p, this.options.maxElementLength, `element ${this.position + 1}`);
            return;
          }
          out.push({ kind: 'element', position: ++this.position, text: b.slice(p, end) });
          this.pos = end;
          this.state = 'after-element';
          break;
        }
        case 'after-element':
          if (c === COMMA) this.state = 'element';
          else if (c === CLOSE_BRACKET) {
            this.state = 'after-value';
            out.push({ kind: 'array-end' });
          } else this.fail(`expected "," or "]" after element ${this.position}`);
          this.pos = p + 1;
          break;
        case 'after-value':
          if (c === COMMA) this.state = 'key';
          else if (c === CLOSE_BRACE) {
            this.state = 'done';
            out.push({ kind: 'end' });
          } else this.fail('expected "," or "}" after a field');
          this.pos = p + 1;
          break;
        case 'done':
          this.fail('unexpected data after the JSON object');
      }
    }
  }

  /** The unit starting at `p` needs more bytes: wait for them, unless none will come or it is too long. */
  private more(final: boolean, p: number, cap: number, what: string): void {
    if (final) this.fail(`the body ends inside ${what}`, p);
    if (this.buf.length - p > cap) this.fail(`${what} is longer than ${cap} characters`, p);
  }

  /** The index after the string starting at `p` (a quote), or MORE. */
  private scanString(p: number): number {
    const b = this.buf;
    let i = p + 1;
    while (i < b.length) {
      const c = b.charCodeAt(i);
      if (c === BACKSLASH) i += 2;
      else if (c === QUOTE) return i + 1;
      else i++;
    }
    return MORE;
  }

  /** The index after the JSON value starting at `p`, or MORE. */
  private scanValue(p: number): number {
    const b = this.buf;
    const first = b.charCodeAt(p);
    if (first === QUOTE) return this.scanString(p);
    if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      const open: number[] = [first];
      let i = p + 1;
      while (i < b.length) {
        const c = b.charCodeAt(i);
        if (c === QUOTE) {
          const end = this.scanString(i);
          if (end === MORE) return MORE;
          i = end;
          continue;
        }
        if (c === OPEN_BRACE || c === OPEN_BRACKET) open.push(c);
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          const expected = open.pop() === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
          if (c !== expected) this.fail('mismatched brackets', i);
          if (open.length === 0) return i + 1;
        }
        i++;
      }
      return MORE;
    }
    // A number, true, false or null runs to the next delimiter.
    let i = p;
    while (i < b.length && !isDelimiter(b.charCodeAt(i))) i++;
    if (i === p) this.fail('expected a value', p);
    return i === b.length ? MORE : i;
  }

  private fail(reason: string, at = this.pos): never {
    throw new ProblemError(
      'malformed',
      `The body is not valid JSON: ${reason} (at character ${this.base + at}).`,
    );
  }
}
