import { DomainError } from '@/domain/errors';
import { ProblemError, problemBody } from './problem';

/**
 * Streaming in and out for the bulk endpoints: a request body read chunk by chunk under a byte
 * cap, NDJSON lines split from it as they arrive (the body is never held whole), and responses
 * whose body is pulled from an async iterator, so nothing is produced faster than the client
 * reads it.
 */

export const NDJSON_TYPE = 'application/x-ndjson';

const NDJSON_TYPES = /^application\/(x-ndjson|ndjson|jsonl|x-jsonlines)\b/i;

export function isNdjson(request: Request): boolean {
  return NDJSON_TYPES.test(request.headers.get('content-type') ?? '');
}

/**
 * The body's bytes as they arrive, refusing more than `limit` (413) without holding them. The
 * reader is cancelled when the consumer stops early, so an abandoned upload is not read on.
 */
export async function* bodyChunks(request: Request, limit: number): AsyncGenerator<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return;
  const reader = request.body.getReader();
  let size = 0;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      size += value.byteLength;
      if (size > limit) throw tooLarge(limit);
      if (value.byteLength > 0) yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function tooLarge(limit: number) {
  return new ProblemError('too_large', `The body may be at most ${limit} bytes.`);
}

/** A line of an NDJSON body: its text, or null when it was longer than allowed. */
export type NdjsonLine = { line: number; text: string | null };

/**
 * Splits NDJSON into lines, one array per input chunk (fewer awaits than one per line). The
 * bytes are decoded as UTF-8 as they come (a character split between chunks is kept whole, a
 * leading byte order mark dropped). Lines are numbered from 1; blank lines are skipped but
 * counted; surrounding whitespace (a trailing `\r` too) is trimmed; a last line without its
 * newline still counts. A line longer than `maxLineLength` characters comes out with
 * `text: null` and is not held in memory.
 */
export async function* ndjsonLines(
  chunks: AsyncIterable<Uint8Array>,
  maxLineLength: number,
): AsyncGenerator<NdjsonLine[]> {
  const decoder = new TextDecoder();
  let carry = '';
  let skipping = false; // inside an over-long line, until its newline
  let line = 0;
  const split = (text: string, out: NdjsonLine[]) => {
    const buf = carry + text;
    let start = 0;
    for (;;) {
      const end = buf.indexOf('\n', start);
      if (end === -1) break;
      line++;
      if (skipping) {
        skipping = false;
        out.push({ line, text: null });
      } else if (end - start > maxLineLength) {
        out.push({ line, text: null });
      } else {
        const trimmed = buf.slice(start, end).trim();
        if (trimmed !== '') out.push({ line, text: trimmed });
      }
      start = end + 1;
    }
    carry = buf.slice(start);
    if (carry.length > maxLineLength) {
      skipping = true;
      carry = '';
    }
  };
  for await (const chunk of chunks) {
    const out: NdjsonLine[] = [];
    split(decoder.decode(chunk, { stream: true }), out);
    if (out.length > 0) yield out;
  }
  const out: NdjsonLine[] = [];
  split(decoder.decode(), out);
  if (skipping) out.push({ line: line + 1, text: null });
  else {
    const last = carry.trim();
    if (last !== '') out.push({ line: line + 1, text: last });
  }
  if (out.length > 0) yield out;
}

/** What a failure part-way through a stream becomes: a last line, or nothing (abort). */
export type StreamFailure = (error: unknown) => string | undefined;

/** A last NDJSON line `{"problem": {...}}` saying why the stream ended early. */
export const problemLine: StreamFailure = (error) =>
  `${JSON.stringify({ problem: problemDocument(error) })}\n`;

function problemDocument(error: unknown) {
  if (error instanceof ProblemError) return problemBody(error.code, error.message, error.extra);
  if (error instanceof DomainError) return problemBody(error.code, error.message, error.details);
  console.error('dial: unexpected error in a streamed response:', error);
  return problemBody('internal', 'Something went wrong on our side; the answer stops here.');
}

/**
 * A streamed 200 response whose body is pulled from `chunks`: at most one chunk is computed
 * ahead of what the client has read (backpressure). The first chunk is computed before
 * the response is returned, so a problem found that early still becomes a problem+json answer
 * (it is thrown from here). A later failure becomes the last line `onFailure` gives, or, when
 * it gives none, aborts the body so the client cannot mistake a partial answer for a whole one.
 * A client that goes away stops the producer (`return()` on the iterator).
 */
export async function streamedResponse(
  chunks: AsyncGenerator<string>,
  options: { contentType: string; headers?: Record<string, string>; onFailure: StreamFailure },
): Promise<Response> {
  const encoder = new TextEncoder();
  const first = await chunks.next();
  let pending: string | undefined = first.done ? undefined : first.value;
  let ended = first.done === true;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (pending !== undefined) {
          const chunk = pending;
          pending = undefined;
          if (chunk !== '') {
            controller.enqueue(encoder.encode(chunk));
            return;
          }
        }
        if (ended) {
          controller.close();
          return;
        }
        try {
          for (;;) {
            const next = await chunks.next();
            if (cancelled) return; // the client went away while this chunk was being made
            if (next.done) {
              ended = true;
              controller.close();
              return;
            }
            if (next.value === '') continue;
            controller.enqueue(encoder.encode(next.value));
            return;
          }
        } catch (error) {
          ended = true;
          if (cancelled) return;
          const last = options.onFailure(error);
          if (last === undefined) {
            controller.error(error);
            return;
          }
          controller.enqueue(encoder.encode(last));
          controller.close();
        }
      },
      async cancel() {
        cancelled = true;
        ended = true;
        await chunks.return(undefined).catch(() => undefined);
      },
    },
    { highWaterMark: 1 },
  );
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': options.contentType,
      'cache-control': 'no-store',
      // Proxies that buffer responses (nginx) would hold the stream back.
      'x-accel-buffering': 'no',
      ...options.headers,
    },
  });
}
