// The twilio package's own validator (`twilio.validateRequest` is this very function), imported
// from its module so the route does not load the whole REST client and its dependencies.
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import { DomainError } from '@/domain/errors';
import { handleInboundMessage, parseSender } from '@/domain/sms-inbound';
import { requireWorkspace } from '@/domain/workspaces';
import { config } from '@/platform/config';
import { ProblemError } from '../problem';
import { readBody } from '../request';

/**
 * POST /api/sms/twilio/{workspace}: Twilio's inbound message webhook (SMS, and WhatsApp when
 * `From` is `whatsapp:+...`). The signature is checked over DIAL_BASE_URL + path (+ query) with
 * the workspace's auth token; the answer is TwiML with at most one <Message>, the only
 * confirmation sent. Errors are plain text: Twilio's debugger shows them as they are.
 */

const PREFIX = '/api/sms/twilio/';
/** An inbound message is at most 1,600 characters plus Twilio's fields; this is plenty. */
const MAX_BODY_BYTES = 64 * 1024;
const MESSAGE_SID = /^[A-Za-z0-9]{10,64}$/;

export async function postTwilioInbound(request: Request): Promise<Response> {
  try {
    const url = new URL(request.url);
    const workspace = await findWorkspace(url.pathname);
    if (!workspace) return text(404, 'Not found.');
    if (!workspace.twilioAuthToken)
      return text(403, 'Forbidden: this workspace has no Twilio auth token configured.');
    const signature = request.headers.get('x-twilio-signature');
    if (!signature) return text(403, 'Forbidden: the X-Twilio-Signature header is missing.');

    const type = request.headers.get('content-type') ?? '';
    if (!/^application\/x-www-form-urlencoded\b/i.test(type))
      return text(400, "Bad request: expected Twilio's application/x-www-form-urlencoded body.");
    let raw: string;
    try {
      raw = await readBody(request, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof ProblemError) return text(413, `Too large: ${error.message}`);
      throw error;
    }
    const form = new URLSearchParams(raw);
    const params: Record<string, string | string[]> = {};
    for (const name of new Set(form.keys())) {
      const values = form.getAll(name);
      params[name] = values.length === 1 ? (values[0] as string) : values;
    }
    const signedUrl = `${config().baseUrl}${url.pathname}${url.search}`;
    if (!validateRequest(workspace.twilioAuthToken, signature, signedUrl, params))
      return text(403, 'Forbidden: the X-Twilio-Signature does not match.');

    const messageSid = form.get('MessageSid') ?? '';
    const from = form.get('From') ?? '';
    const problems: string[] = [];
    if (!MESSAGE_SID.test(messageSid)) problems.push('MessageSid is missing or malformed');
    const sender = parseSender(from);
    if (!sender) problems.push('From must be an E.164 number, or whatsapp:+E.164');
    if (form.getAll('Body').length > 1) problems.push('Body is given more than once');
    if (problems.length > 0 || !sender) return text(400, `Bad request: ${problems.join('; ')}.`);

    const outcome = await handleInboundMessage({
      workspace,
      channel: sender.channel,
      phone: sender.phone,
      body: form.get('Body') ?? '',
      messageSid,
      to: form.get('To') ?? undefined,
    });
    return twiml(outcome.reply);
  } catch (error) {
    console.error('dial: SMS webhook failed:', error);
    return text(500, 'Something went wrong on our side. Nothing was changed; try again.');
  }
}

async function findWorkspace(pathname: string) {
  if (!pathname.startsWith(PREFIX)) return undefined;
  let slug: string;
  try {
    slug = decodeURIComponent(pathname.slice(PREFIX.length).replace(/\/$/, ''));
  } catch {
    return undefined;
  }
  if (slug === '' || slug.includes('/')) return undefined;
  try {
    return await requireWorkspace(slug);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'not_found') return undefined;
    throw error;
  }
}

export function twiml(message: string | null): Response {
  const body =
    message === null
      ? '<?xml version="1.0" encoding="UTF-8"?><Response/>'
      : `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escapeXml(message)}</Message></Response>`;
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/xml; charset=utf-8', 'cache-control': 'no-store' },
  });
}

function escapeXml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (ch) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch] as string,
  );
}

function text(status: number, message: string): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
}
