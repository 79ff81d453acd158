import type { Metadata } from 'next';
import { roleAtLeast } from '@/domain/admin-guard';
import { WEBHOOK_EVENT_WORDS } from '@/domain/admin-webhook-validation';
import { type EndpointWithDeliveries, webhooksForAdmin } from '@/domain/admin-webhooks';
import type { RecentDelivery } from '@/domain/webhooks';
import { pageAccess } from '../../access';
import { Notice } from '../../ui';
import { EndpointActions, RetryButton } from './endpoint-actions';
import { WebhookForm } from './webhook-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Webhooks',
  robots: { index: false, follow: false },
};

const WHEN = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'medium',
  timeZone: 'UTC',
});

function When({ at }: { at: Date }) {
  return <time dateTime={at.toISOString()}>{WHEN.format(at)} UTC</time>;
}

const muted = 'text-slate-600 dark:text-slate-400';

/** The workspace's webhooks: each endpoint, its state and its latest deliveries. */
export default async function WebhooksPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'viewer');
  const canEdit = roleAtLeast(access.role, 'editor');
  const endpoints = await webhooksForAdmin(access.workspace.id);
  return (
    <>
      <div className="flex max-w-prose flex-col gap-1">
        <h1 className="font-bold text-2xl">Webhooks</h1>
        <p className="text-slate-700 dark:text-slate-300">
          Dial tells your systems when consent changes, someone is erased or feedback comes in, by
          sending a signed message to an address of yours. A failed delivery is tried again for
          about a day; an address that fails for a whole day is turned off. Times are in UTC.
        </p>
      </div>
      {canEdit ? (
        <WebhookForm workspaceSlug={access.workspace.slug} />
      ) : (
        <Notice>
          <p>You are a viewer here: you can see the webhooks; an editor or owner changes them.</p>
        </Notice>
      )}
      <section aria-labelledby="endpoints" className="flex flex-col gap-3">
        <h2 id="endpoints" className="font-semibold text-lg">
          Webhooks
        </h2>
        {endpoints.length === 0 ? (
          <p className="rounded-lg border border-slate-300 border-dashed p-6 text-center text-slate-700 dark:border-slate-700 dark:text-slate-300">
            No webhooks yet. {canEdit ? 'Add one above.' : 'An editor or owner can add one.'}
          </p>
        ) : (
          <ul aria-label="Webhooks" className="flex flex-col gap-4">
            {endpoints.map((endpoint) => (
              <EndpointCard
                key={endpoint.id}
                endpoint={endpoint}
                workspaceSlug={access.workspace.slug}
                canEdit={canEdit}
              />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function EndpointCard({
  endpoint,
  workspaceSlug,
  canEdit,
}: {
  endpoint: EndpointWithDeliveries;
  workspaceSlug: string;
  canEdit: boolean;
}) {
  const off = Boolean(endpoint.disabledAt);
  const headingId = `endpoint-${endpoint.id}`;
  return (
    <li
      aria-labelledby={headingId}
      className="flex flex-col gap-4 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="flex min-w-0 flex-col gap-2">
          <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
            <h3 id={headingId} className="break-all font-semibold">
              {endpoint.url}
            </h3>
            <span
              className={`rounded px-2 py-0.5 font-medium text-xs ${
                off
                  ? 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100'
                  : 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100'
              }`}
            >
              {off ? 'Turned off' : 'On'}
            </span>
          </div>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
            <dt className={muted}>Events</dt>
            <dd>{endpoint.events.map((e) => WEBHOOK_EVENT_WORDS[e].label).join(', ')}</dd>
            <dt className={muted}>Added</dt>
            <dd>
              <When at={endpoint.createdAt} />
            </dd>
            {endpoint.disabledAt ? (
              <>
                <dt className={muted}>Turned off</dt>
                <dd>
                  <When at={endpoint.disabledAt} />
                </dd>
              </>
            ) : null}
          </dl>
        </div>
        {canEdit ? (
          <div className="sm:max-w-sm">
            <EndpointActions
              workspaceSlug={workspaceSlug}
              endpointId={endpoint.id}
              url={endpoint.url}
              disabled={off}
            />
          </div>
        ) : null}
      </div>
      {endpoint.disabledAt ? (
        <Notice tone="warning">
          <p className="break-words">
            Nothing is sent here while it is off. Why: {endpoint.disabledReason ?? 'not recorded'}.
            Once the receiving system works again, turn it back on; events that happened meanwhile
            can be retried one by one below. If its next delivery fails too, it is turned off again.
          </p>
        </Notice>
      ) : null}
      <section aria-label={`Recent deliveries to ${endpoint.url}`} className="flex flex-col gap-2">
        <h4 className="font-medium">Recent deliveries</h4>
        {endpoint.deliveries.length === 0 ? (
          <p className={`text-sm ${muted}`}>
            Nothing sent yet: deliveries appear after the next event.
          </p>
        ) : (
          <ul className="flex flex-col divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
            {endpoint.deliveries.map((delivery) => (
              <DeliveryItem
                key={delivery.id}
                delivery={delivery}
                workspaceSlug={workspaceSlug}
                canRetry={canEdit && !off && delivery.status !== 'delivered'}
              />
            ))}
          </ul>
        )}
      </section>
    </li>
  );
}

const STATUS: Record<RecentDelivery['status'], { label: string; tone: string }> = {
  pending: {
    label: 'Waiting',
    tone: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
  },
  delivered: {
    label: 'Delivered',
    tone: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100',
  },
  failed: { label: 'Failed', tone: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100' },
  skipped: {
    label: 'Not sent',
    tone: 'bg-slate-200 text-slate-900 dark:bg-slate-800 dark:text-slate-100',
  },
};

function statusWords(delivery: RecentDelivery): string {
  switch (delivery.status) {
    case 'pending':
      return delivery.attempts === 0 ? 'Queued' : 'Will try again';
    case 'failed':
      return 'Gave up: every attempt failed';
    case 'skipped':
      return 'Not sent: the webhook was off';
    default:
      return 'Delivered';
  }
}

function DeliveryItem({
  delivery,
  workspaceSlug,
  canRetry,
}: {
  delivery: RecentDelivery;
  workspaceSlug: string;
  canRetry: boolean;
}) {
  const last = delivery.lastAttempt;
  const event = WEBHOOK_EVENT_WORDS[delivery.eventType].label;
  return (
    <li className="flex flex-col gap-2 p-3 text-sm">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span className="font-medium">{event}</span>
        <span className={`rounded px-2 py-0.5 font-medium text-xs ${STATUS[delivery.status].tone}`}>
          {STATUS[delivery.status].label}
        </span>
        <span className={muted}>
          <When at={delivery.createdAt} />
        </span>
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
        <dt className={muted}>Status</dt>
        <dd>{statusWords(delivery)}</dd>
        <dt className={muted}>Attempts</dt>
        <dd>{delivery.attempts}</dd>
        {last ? (
          <>
            <dt className={muted}>Last attempt</dt>
            <dd>
              <When at={last.at} />
            </dd>
            <dt className={muted}>Answer</dt>
            <dd className="break-words">
              {last.statusCode !== null ? `HTTP ${last.statusCode}` : 'No answer'}
              {last.error && !last.ok && last.error !== `HTTP ${last.statusCode}`
                ? `: ${last.error}`
                : ''}
            </dd>
            {last.excerpt ? (
              <>
                <dt className={muted}>It said</dt>
                <dd className="min-w-0">
                  <code className="block whitespace-pre-wrap break-all rounded bg-slate-100 p-2 text-xs dark:bg-slate-900">
                    {last.excerpt}
                  </code>
                </dd>
              </>
            ) : null}
          </>
        ) : null}
        {delivery.status === 'pending' && delivery.nextAttemptAt ? (
          <>
            <dt className={muted}>Next attempt</dt>
            <dd>
              <When at={delivery.nextAttemptAt} />
            </dd>
          </>
        ) : null}
      </dl>
      {canRetry ? (
        <RetryButton
          workspaceSlug={workspaceSlug}
          deliveryId={delivery.id}
          label={`Retry the ${event.toLowerCase()} delivery of ${WHEN.format(delivery.createdAt)}`}
        />
      ) : null}
    </li>
  );
}
