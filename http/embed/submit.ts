import { embedMessages } from '@/app/(embed)/embed-messages';
import { frameAncestors, loadEmbedForm, submitEmbedForm } from '@/domain/embed';
import { negotiateLocale } from '@/domain/i18n';
import { escapeHtml } from '@/domain/mail-templates';
import { clientInfo } from '../request';
import { readForm, seeOther } from '../subscriber/forms';

/**
 * POST /embed/{workspace}/{form}/submit: a visitor's signup from inside the iframe. Answers with
 * a 303 to the result page (or back to the form with what to fix), and a plain 429 page when a
 * visitor, a form or an address sends too much.
 */
export async function postEmbedSubmit(request: Request): Promise<Response> {
  const [, , workspace = '', form = ''] = new URL(request.url).pathname.split('/');
  const base = `/embed/${workspace}/${form}`;
  const fields = await readForm(request);
  const locale = negotiateLocale({
    explicit: fields?.get('locale'),
    acceptLanguage: request.headers.get('accept-language'),
  });
  const embed = await loadEmbedForm({
    workspaceSlug: decodeURIComponent(workspace),
    formSlug: decodeURIComponent(form),
    locale,
  });
  if (!embed) return new Response('Not found', { status: 404 });
  const keep = { locale: fields?.get('locale') || undefined };
  if (!fields) return seeOther(base, { ...keep, n: 'stale' });
  const { ip, userAgent } = clientInfo(request);
  const outcome = await submitEmbedForm({ embed, fields, ip, userAgent, locale });
  const chosen = embed.options.filter((o) => fields.get(o.key) === 'on').map((o) => o.key);
  switch (outcome.kind) {
    case 'stale':
      return seeOther(base, {
        ...keep,
        n: 'stale',
        email: fields.get('email'),
        phone: fields.get('phone'),
        o: chosen.join(','),
      });
    case 'invalid':
      return seeOther(base, {
        ...keep,
        e: Object.entries(outcome.errors)
          .map(([k, v]) => `${k}:${v}`)
          .join(','),
        email: fields.get('email'),
        phone: fields.get('phone'),
        o: chosen.join(','),
      });
    case 'rate_limited': {
      const t = embedMessages(locale);
      const minutes = Math.max(1, Math.ceil(outcome.retryAfterSeconds / 60));
      const message = t.limited(minutes);
      const error = JSON.stringify({
        code: 'rate_limited',
        message,
        retryAfterSeconds: outcome.retryAfterSeconds,
      });
      const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(t.title)}</title></head><body style="margin:0;font-family:system-ui,sans-serif"><main style="padding:16px"><p role="alert">${escapeHtml(message)}</p></main><script src="/embed-frame.js" async data-allowed="${escapeHtml(JSON.stringify(embed.allowedOrigins))}" data-error="${escapeHtml(error)}"></script></body></html>`;
      return new Response(html, {
        status: 429,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'retry-after': String(outcome.retryAfterSeconds),
          'cache-control': 'no-store',
          'content-security-policy': `frame-ancestors ${frameAncestors(embed.allowedOrigins)}`,
        },
      });
    }
    case 'accepted':
      return seeOther(`${base}/done`, {
        ...keep,
        s: outcome.status,
        ev: outcome.events.join(','),
        sub: outcome.subscriptions.map((s) => `${s.category}:${s.channel}:${s.status}`).join(','),
      });
  }
}
