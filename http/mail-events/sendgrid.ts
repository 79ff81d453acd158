import { recordMailEvents } from '@/domain/mail-events';
import {
  SIGNATURE_HEADER,
  sendgridBodySchema,
  sendgridEvents,
  TIMESTAMP_HEADER,
  verifySendgrid,
} from '@/domain/mail-events/sendgrid';
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
 * POST /api/mail-events/sendgrid/{workspace}: SendGrid's signed Event Webhook. The signature
 * covers the raw body, so it is checked on the bytes as received, before any parsing.
 */

const MAX_SENDGRID_BODY = 4 * 1024 * 1024; // SendGrid batches events up to about 768 kB

export function sendgridEventsHandler(deps: { now?: () => Date } = {}): MailEventHandler {
  return mailEventRoute(async (request) => {
    const found = await workspaceFor(request, 'sendgrid', (s) => !!s.sendgridPublicKey);
    if (found instanceof Response) return found;
    const { workspace, settings } = found;
    const body = await readBody(request, MAX_SENDGRID_BODY);
    const verdict = verifySendgrid(
      {
        publicKey: settings.sendgridPublicKey as string,
        body,
        signature: request.headers.get(SIGNATURE_HEADER),
        timestamp: request.headers.get(TIMESTAMP_HEADER),
      },
      deps.now?.(),
    );
    if (!verdict.ok) {
      const detail = {
        missing:
          'Send the signed Event Webhook headers (X-Twilio-Email-Event-Webhook-Signature and -Timestamp).',
        stale: 'The timestamp is more than 10 minutes from now.',
        signature: "The signature does not verify with this workspace's key.",
      }[verdict.reason];
      return refuse('unverified', detail);
    }
    const parsed = sendgridBodySchema.safeParse(parseJson(body));
    if (!parsed.success) return refuse('malformed', 'Expected a JSON array of events.');
    const events = sendgridEvents(parsed.data);
    if (events.length === 0) return accepted(null);
    return accepted(
      await recordMailEvents({
        workspaceId: workspace.id,
        service: 'sendgrid',
        events,
        now: deps.now?.(),
      }),
    );
  });
}

export const postSendgridEvent = sendgridEventsHandler();
