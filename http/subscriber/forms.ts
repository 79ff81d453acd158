import { type Locale, toLocale } from '@/domain/i18n';

/**
 * Plain HTML forms (they work without JavaScript): read the fields, answer with a 303 so a
 * reload never posts twice. Subscriber pages never set cookies.
 */

export async function readForm(request: Request): Promise<Map<string, string> | undefined> {
  try {
    const data = await request.formData();
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
export function tokenFromPath(request: Request): string {
  const segment = new URL(request.url).pathname.split('/')[2] ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}
