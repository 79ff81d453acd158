import type { z } from 'zod';
import { config } from '@/platform/config';
import { BufferedRequest, type SmallRequest } from './buffered';
import { ProblemError } from './problem';

export const MAX_BODY_BYTES = 1024 * 1024;

function tooLarge(limit: number): ProblemError {
  return new ProblemError('too_large', `The body may be at most ${limit} bytes.`);
}

/** A body the lean server has already read, refused if it is over `limit` bytes. */
function bufferedText(request: BufferedRequest, limit: number): string {
  if (Number(request.headers.get('content-length') ?? '0') > limit) throw tooLarge(limit);
  if (request.body.length > limit) throw tooLarge(limit);
  return request.body.toString('utf8');
}

/** Reads at most `limit` bytes: a larger body is refused without being held in memory. */
export async function readBody(
  request: Request | BufferedRequest,
  limit = MAX_BODY_BYTES,
): Promise<string> {
  if (request instanceof BufferedRequest) return bufferedText(request, limit);
  if (Number(request.headers.get('content-length') ?? '0') > limit) throw tooLarge(limit);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function requireJsonType(request: SmallRequest): void {
  const type = request.headers.get('content-type') ?? '';
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ProblemError('unsupported_media_type', `Expected application/json, got ${type}.`);
  }
}

function parseJsonText(text: string): unknown {
  if (text.trim() === '')
    throw new ProblemError('malformed', 'The request body is empty; send a JSON object.');
  try {
    return JSON.parse(text);
  } catch {
    throw new ProblemError('malformed', 'The request body is not valid JSON.');
  }
}

/**
 * The body as JSON. A body the lean server has already read is parsed at once, in one promise
 * rather than one per step: promises are a large part of what a check allocates, the more so as
 * each carries Next's async-local stores.
 */
export function readJson(
  request: Request | BufferedRequest,
  limit = MAX_BODY_BYTES,
): Promise<unknown> {
  if (request instanceof BufferedRequest) {
    try {
      requireJsonType(request);
      return Promise.resolve(parseJsonText(bufferedText(request, limit)));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return readStreamedJson(request, limit);
}

async function readStreamedJson(request: Request, limit: number): Promise<unknown> {
  requireJsonType(request);
  return parseJsonText(await readBody(request, limit));
}

export type FieldError = { path: string; message: string };

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ProblemError(
      'validation',
      'The request does not match the expected shape; see errors.',
      {
        errors: fieldErrors(result.error),
      },
    );
  }
  return result.data;
}

/**
 * The caller's address. The Dial server writes `x-dial-remote-addr` from the socket after
 * dropping any such header a client sent; behind a proxy, the proxy's forwarded header is used.
 */
export function clientInfo(request: SmallRequest): { ip?: string; userAgent?: string } {
  const remote = request.headers.get('x-dial-remote-addr') || undefined;
  const forwarded = config().trustProxy
    ? request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || undefined
    : undefined;
  const userAgent = request.headers.get('user-agent')?.slice(0, 512) || undefined;
  return { ip: forwarded ?? remote, userAgent };
}
