import { postmarkCredentialsMatch, recordMailEvents } from '@/domain/mail-events';
import { postmarkBodySchema, postmarkEvents } from '@/domain/mail-events/postmark';
import { readBody } from '../request';
import {
  accepted,
  type MailEventHandler,
  mailEventRoute,
  parseJson,
  refuse,
  workspaceFor,
} from './common';

/**
 * POST /api/mail-events/postmark/{workspace}: Postmark's bounce and spam complaint webhooks,
 * authenticated by the HTTP Basic credentials in the webhook URL Postmark was given
 * (`https://user:password@dial.example.com/api/mail-events/postmark/{workspace}`).
 */

const CHALLENGE = { 'www-authenticate': 'Basic realm="dial mail events", charset="UTF-8"' };

export function postmarkEventsHandler(deps: { now?: () => Date } = {}): MailEventHandler {
  return mailEventRoute(async (request) => {
    const found = await workspaceFor(
      request,
      'postmark',
      (s) => !!s.postmarkUser && !!s.postmarkPasswordSha256,
    );
    if (found instanceof Response) return found;
    const { workspace, settings } = found;
    const credentials = basicCredentials(request.headers.get('authorization'));
    if (!credentials)
      return refuse('unauthenticated', "Send the webhook's HTTP Basic credentials.", CHALLENGE);
    if (!postmarkCredentialsMatch(settings, credentials.user, credentials.password))
      return refuse('unverified', "These credentials are not this workspace's.");
    const parsed = postmarkBodySchema.safeParse(parseJson(await readBody(request)));
    if (!parsed.success) return refuse('malformed', 'Expected a Postmark webhook JSON object.');
    const events = postmarkEvents(parsed.data);
    if (events.length === 0) return accepted(null);
    return accepted(
      await recordMailEvents({
        workspaceId: workspace.id,
        service: 'postmark',
        events,
        now: deps.now?.(),
      }),
    );
  });
}

function basicCredentials(header: string | null): { user: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const split = decoded.indexOf(':');
  if (split < 0) return null;
  return { user: decoded.slice(0, split), password: decoded.slice(split + 1) };
}

export const postPostmarkEvent = postmarkEventsHandler();
