import { DomainError } from '@/domain/errors';
import { requestPreferencesLink } from '@/domain/link-request';
import { clientInfo } from '../request';
import { formLocale, readForm, seeOther } from './forms';

/**
 * POST /w/{workspace}/link/send: "email me a link". The same answer whether the address is
 * known or not; only the rate limit and a malformed address answer differently.
 */
export async function postLinkRequest(request: Request): Promise<Response> {
  const slug = decodeURIComponent(new URL(request.url).pathname.split('/')[2] ?? '');
  const page = `/w/${encodeURIComponent(slug)}/link`;
  const fields = await readForm(request);
  const lang = formLocale(fields);
  const email = fields?.get('email') ?? '';
  try {
    const answer = await requestPreferencesLink({
      workspaceSlug: slug,
      email,
      ip: clientInfo(request).ip,
      locale: lang,
    });
    if (answer.status === 'rate_limited') {
      return seeOther(page, {
        lang,
        state: 'limited',
        retry: String(Math.max(1, Math.ceil(answer.retryAfterSeconds / 60))),
      });
    }
    return seeOther(page, { lang, state: 'sent' });
  } catch (error) {
    if (error instanceof DomainError && error.code === 'validation')
      return seeOther(page, { lang, state: 'invalid' });
    if (error instanceof DomainError && error.code === 'not_found')
      return new Response('Not found', { status: 404 });
    throw error;
  }
}
