import {
  type ApiCaller,
  type ApiScope,
  authenticateApiKey,
  knownApiCaller,
  scopeAllows,
} from '@/domain/api-keys';
import { takeToken } from '@/domain/rate-limit';
import { config } from '@/platform/config';
import type { SmallRequest } from './buffered';
import { problem, problemFromError } from './problem';

/**
 * Every /api/v1 handler is a plain `(Request) => Promise<Response>` built by `apiRoute`: it
 * authenticates the bearer key, checks its scope, and turns any error into problem+json.
 * Next's route files and the lean server mount the same functions; the lean server's small
 * routes take the request it has already read (`BufferedRequest`, http/buffered.ts).
 */
export type ApiHandler<R extends SmallRequest = Request> = (request: R) => Promise<Response>;
export type ApiContext<R extends SmallRequest = Request> = {
  caller: ApiCaller;
  request: R;
  url: URL;
};

/** A handler with the scope it needs, so the OpenAPI document can say it. */
export type ScopedApiHandler<R extends SmallRequest = Request> = ApiHandler<R> & {
  readonly scope: ApiScope;
};

export function apiRoute<R extends SmallRequest = Request>(
  scope: ApiScope,
  handle: (ctx: ApiContext<R>) => Promise<Response>,
): ScopedApiHandler<R> {
  const handler: ApiHandler<R> = async (request) => {
    try {
      const auth = request.headers.get('authorization') ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(auth);
      if (!match?.[1]) {
        return problem(
          'unauthorized',
          'Send your API key as "Authorization: Bearer <key>".',
          {},
          { 'www-authenticate': 'Bearer' },
        );
      }
      const caller = knownApiCaller(match[1]) ?? (await authenticateApiKey(match[1]));
      if (!caller)
        return problem(
          'unauthorized',
          'This API key is unknown or revoked.',
          {},
          { 'www-authenticate': 'Bearer' },
        );
      const limit = config().apiRateLimit;
      const quota = takeToken(`api:${caller.keyId}`, limit, 60_000);
      if (!quota.allowed) {
        return problem(
          'rate_limited',
          `This key may make ${limit} requests a minute; try again in ${quota.retryAfterSeconds} s.`,
          {},
          { 'retry-after': String(quota.retryAfterSeconds) },
        );
      }
      if (!scopeAllows(caller.scope, scope)) {
        return problem(
          'forbidden',
          `This key has the "${caller.scope}" scope; this call needs "${scope}".`,
        );
      }
      return await handle({ caller, request, url: new URL(request.url) });
    } catch (error) {
      return problemFromError(error);
    }
  };
  return Object.assign(handler, { scope });
}

/** The path segment after `prefix`, e.g. the `{id}` of /api/v1/subscribers/{id}/events. */
export function pathParam(url: URL, prefix: string): string {
  const rest = url.pathname.slice(prefix.length).replace(/^\/+/, '');
  return decodeURIComponent(rest.split('/')[0] ?? '');
}
