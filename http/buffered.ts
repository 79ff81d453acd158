/**
 * Web streams cost more than a whole check does, so the lean server (server/fast-path.ts) avoids
 * them on its small routes: it reads the body into one buffer and hands the handler a Request
 * without a stream, and `readBody` finds the buffer here. Answers made by `json()` and `text()`
 * keep their text here, and the lean server writes it without reading the Response's stream.
 * Next's Requests and Responses are untouched (they have real streams), and both paths answer
 * alike (server/fast-path.test.ts).
 */

const requestBodies = new WeakMap<Request, Buffer>();
const responseTexts = new WeakMap<Response, string>();

/** A Request whose body `readBody` reads from `body` (already read off the socket). */
export function requestWithBody(url: string, init: RequestInit, body: Buffer): Request {
  const request = new Request(url, { ...init, body: undefined });
  requestBodies.set(request, body);
  return request;
}

export function bufferedBody(request: Request): Buffer | undefined {
  return requestBodies.get(request);
}

/** A Response whose text the lean server can write as it is. */
export function textResponse(text: string, init: ResponseInit): Response {
  const response = new Response(text, init);
  responseTexts.set(response, text);
  return response;
}

export function responseText(response: Response): string | undefined {
  return responseTexts.get(response);
}
