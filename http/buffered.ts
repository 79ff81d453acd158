import type { IncomingHttpHeaders } from 'node:http';

/**
 * Web streams and undici's Request cost more than a whole check does, so the lean server
 * (server/fast-path.ts) avoids them on its small routes: it reads the body into one buffer and
 * hands the handler a `BufferedRequest` (the socket's headers and that buffer), and `readBody`
 * reads the buffer. Answers made by `json()` and `text()` keep their text here, and the lean
 * server writes it without a body stream ever being made. Next's Requests are untouched, Next
 * gets a real stream from a text Response when it reads one, and both paths answer alike
 * (server/fast-path.test.ts).
 */

/**
 * What the small routes read of a request. A web Request has all of it, so Next mounts the same
 * handlers; the lean server passes a BufferedRequest.
 */
export type SmallRequest = {
  readonly url: string;
  readonly method: string;
  readonly headers: { get(name: string): string | null };
};

/** Headers as Node parsed them, read the way `Headers.get` reads (names in any case). */
class NodeHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

/** A request already read off the socket: what undici's Request would be, without its cost. */
export class BufferedRequest implements SmallRequest {
  readonly headers: NodeHeaders;

  constructor(
    readonly url: string,
    readonly method: string,
    headers: IncomingHttpHeaders,
    readonly body: Buffer,
  ) {
    this.headers = new NodeHeaders(headers);
  }
}

/**
 * A Response that holds its text and makes a body stream only when something reads the body
 * (Next does; the lean server writes the text instead). undici builds a ReadableStream for every
 * body it is given, and for a check that stream was a sixth of all the memory it allocated: the
 * garbage collector's pauses are what the check's p99 is made of.
 */
class TextResponse extends Response {
  /** The body as text, for the lean server to write. */
  readonly bodyText: string;
  #streamed: Response | undefined;

  constructor(text: string, init: ResponseInit) {
    super(null, init);
    this.bodyText = text;
  }

  /** The same answer as an ordinary Response, made the first time the body is read. */
  #full(): Response {
    this.#streamed ??= new Response(this.bodyText, {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    });
    return this.#streamed;
  }

  override get body() {
    return this.#full().body;
  }
  override get bodyUsed() {
    return this.#streamed?.bodyUsed ?? false;
  }
  override text() {
    return this.#full().text();
  }
  override json() {
    return this.#full().json();
  }
  override arrayBuffer() {
    return this.#full().arrayBuffer();
  }
  override bytes() {
    return this.#full().bytes();
  }
  override blob() {
    return this.#full().blob();
  }
  override formData() {
    return this.#full().formData();
  }
  override clone(): Response {
    return this.#full().clone();
  }
}

/** A Response whose text the lean server can write as it is. */
export function textResponse(text: string, init: ResponseInit): Response {
  return new TextResponse(text, init);
}

export function responseText(response: Response): string | undefined {
  return response instanceof TextResponse ? response.bodyText : undefined;
}
