import { DomainError, type DomainErrorCode } from '@/domain/errors';
import { textResponse } from './buffered';

/**
 * RFC 9457 problem documents. `type` is a stable URN per kind of problem, so clients can switch
 * on it; `title` is the same for every instance of the type; `detail` says what happened here.
 */
export type ProblemCode =
  | DomainErrorCode
  | 'unauthorized'
  | 'forbidden'
  | 'malformed'
  | 'too_large'
  | 'unsupported_media_type'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'internal';

const TITLES: Record<ProblemCode, [number, string]> = {
  unauthorized: [401, 'Missing or invalid API key'],
  forbidden: [403, 'This API key may not do that'],
  not_found: [404, 'Not found'],
  method_not_allowed: [405, 'Method not allowed'],
  conflict: [409, 'Conflict'],
  consent_refused: [409, 'Consent change refused'],
  idempotency_in_progress: [409, 'A request with this Idempotency-Key is still running'],
  malformed: [400, 'Malformed request body'],
  too_large: [413, 'Request body too large'],
  unsupported_media_type: [415, 'Send JSON (Content-Type: application/json)'],
  validation: [422, 'Invalid request'],
  idempotency_mismatch: [422, 'Idempotency-Key reused with a different request'],
  rate_limited: [429, 'Too many requests'],
  internal: [500, 'Internal error'],
};

/** Every problem a client may get, as `[type, status, title]` (for the OpenAPI document). */
export function problemTypes(): [string, number, string][] {
  return (Object.entries(TITLES) as [ProblemCode, [number, string]][]).map(
    ([code, [status, title]]) => [problemType(code), status, title],
  );
}

export function problemType(code: ProblemCode): string {
  return `urn:dial:problem:${code.replaceAll('_', '-')}`;
}

export function problemStatus(code: ProblemCode): number {
  return TITLES[code][0];
}

export function problemBody(
  code: ProblemCode,
  detail: string,
  extra: Record<string, unknown> = {},
) {
  const [status, title] = TITLES[code];
  return { type: problemType(code), title, status, detail, ...extra };
}

export function problem(
  code: ProblemCode,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: HeadersInit = {},
): Response {
  const body = problemBody(code, detail, extra);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: {
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
      ...headers,
    },
  });
}

export class ProblemError extends Error {
  constructor(
    readonly code: ProblemCode,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

/** Any error to a problem response; unknown errors are logged and never shown. */
export function problemFromError(error: unknown): Response {
  if (error instanceof ProblemError) return problem(error.code, error.message, error.extra);
  if (error instanceof DomainError) return problem(error.code, error.message, error.details ?? {});
  console.error('dial: unexpected error in API handler:', error);
  return problem('internal', 'Something went wrong on our side. Nothing was changed; try again.');
}

export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return textResponse(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}
