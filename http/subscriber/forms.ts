import { type Locale, toLocale } from '@/domain/i18n';
import type { BufferedRequest, SmallRequest } from '../buffered';
import { readBody } from '../request';

/**
 * Plain HTML forms (they work without JavaScript): read the fields, answer with a 303 so a
 * reload never posts twice. Subscriber pages never set cookies.
 */

/** A preference form is a few kilobytes; anything far larger is not one of ours. */
const MAX_FORM_BYTES = 64 * 1024;

export async function readForm(
  request: Request | BufferedRequest,
): Promise<Map<string, string> | undefined> {
  try {
    const body = await readBody(request, MAX_FORM_BYTES);
    const type = request.headers.get('content-type') ?? 'application/x-www-form-urlencoded';
    // The common case (every browser form and RFC 8058 POST) without a Response round trip.
    const data = /^application\/x-www-form-urlencoded\b/i.test(type)
      ? new URLSearchParams(body)
      : await new Response(body, { headers: { 'content-type': type } }).formData();
    const fields = new Map<string, string>();
    for (const [key, value] of data) if (typeof value === 'string') fields.set(key, value);
    return fields;
  } catch {
    return undefined;
  }
}

export function seeOther(path: string, query: Record<string, string | undefined> = {}): Response {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
  const search = params.toString();
  return new Response(null, {
    status: 303,
    headers: {
      location: search ? `${path}?${search}` : path,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    },
  });
}

export function formLocale(fields: Map<string, string> | undefined): Locale | undefined {
  return toLocale(fields?.get('lang'));
}

/** The `{token}` of /u/{token}/... or /p/{token}/... */
export function tokenFromPath(request: SmallRequest): string {
  const segment = new URL(request.url).pathname.split('/')[2] ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}
