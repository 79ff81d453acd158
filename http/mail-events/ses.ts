import { recordMailEvents } from '@/domain/mail-events';
import {
  type CertificateFetcher,
  fetchSnsCertificate,
  sesEvents,
  snsMessageSchema,
  snsUrl,
  verifySnsMessage,
} from '@/domain/mail-events/ses';
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
 * POST /api/mail-events/ses/{workspace}: SNS's HTTPS subscription to the topic SES publishes
 * the workspace's bounces and complaints to. Checked in this order, cheapest first: the
 * envelope's shape, the topic (the workspace's configured ARN), the certificate URL (an SNS
 * host), then the signature. A SubscriptionConfirmation of that topic is confirmed by visiting
 * its SubscribeURL, which must be on an SNS host too.
 */

/** Visits an (already checked) SubscribeURL. */
export type SubscriptionConfirmer = (url: URL) => Promise<void>;

export const confirmSnsSubscription: SubscriptionConfirmer = async (url) => {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`SNS SubscribeURL answered ${response.status}`);
  await response.body?.cancel();
};

const MAX_SNS_BODY = 512 * 1024; // SNS messages are at most 256 KB

export function sesEventsHandler(
  deps: {
    fetchCertificate?: CertificateFetcher;
    confirm?: SubscriptionConfirmer;
    now?: () => Date;
  } = {},
): MailEventHandler {
  const fetchCertificate = deps.fetchCertificate ?? fetchSnsCertificate;
  const confirm = deps.confirm ?? confirmSnsSubscription;
  return mailEventRoute(async (request) => {
    const found = await workspaceFor(request, 'ses', (s) => !!s.sesTopicArn);
    if (found instanceof Response) return found;
    const { workspace, settings } = found;
    const parsed = snsMessageSchema.safeParse(parseJson(await readBody(request, MAX_SNS_BODY)));
    if (!parsed.success)
      return refuse(
        'malformed',
        'Expected an SNS message (Notification or subscription confirmation).',
      );
    const message = parsed.data;
    if (message.TopicArn !== settings.sesTopicArn)
      return refuse('unverified', 'This topic is not the one configured for this workspace.');
    const verdict = await verifySnsMessage(message, fetchCertificate, deps.now?.());
    if (!verdict.ok) {
      if (verdict.reason === 'unavailable')
        return refuse('unavailable', 'The SNS signing certificate could not be fetched.');
      return refuse(
        'unverified',
        verdict.reason === 'cert_url'
          ? 'SigningCertURL must be an https URL of a .pem file on sns.<region>.amazonaws.com.'
          : 'The SNS signature does not verify.',
      );
    }
    switch (message.Type) {
      case 'SubscriptionConfirmation': {
        const subscribeUrl = snsUrl(message.SubscribeURL);
        if (!subscribeUrl)
          return refuse(
            'unverified',
            'SubscribeURL must be an https URL on sns.<region>.amazonaws.com.',
          );
        try {
          await confirm(subscribeUrl);
        } catch {
          return refuse('unavailable', 'Confirming the subscription with SNS failed.');
        }
        console.info(
          `dial: confirmed the SNS subscription of ${workspace.slug} to ${message.TopicArn}`,
        );
        return accepted(null, { confirmed: true });
      }
      case 'UnsubscribeConfirmation':
        return accepted(null);
      case 'Notification': {
        const events = sesEvents(message.MessageId, message.Message);
        if (events.length === 0) return accepted(null);
        const outcome = await recordMailEvents({
          workspaceId: workspace.id,
          service: 'ses',
          events,
          now: deps.now?.(),
        });
        return accepted(outcome);
      }
    }
  });
}

export const postSesEvent = sesEventsHandler();
