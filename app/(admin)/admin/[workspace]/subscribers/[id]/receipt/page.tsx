import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { channelWords, formatUtc } from '@/domain/admin-subscribers';
import { type ConsentReceipt, exportConsentReceipt } from '@/domain/consent-receipt';
import { DomainError } from '@/domain/errors';
import { adminSession } from '../../../../../auth';
import { pageAccess } from '../../../../access';
import { buttonPrimary, textLink } from '../../../../ui';
import { ANSWER_WORDS } from '../../words';
import { LedgerEventCard } from '../timeline';
import { PrintButton } from './print-button';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Consent receipt',
  robots: { index: false, follow: false },
};

/** The console's header and navigation, and this page's own controls, are not printed. */
const PRINT_CSS = `
@media print {
  header, nav, [data-print="hide"] { display: none !important; }
  body { background: #fff !important; color: #000 !important; }
  main { max-width: none !important; padding: 0 !important; }
  article, section > ul > li { break-inside: avoid; }
  a { color: inherit !important; text-decoration: none !important; }
  * { box-shadow: none !important; }
}
`;

/**
 * The consent receipt as a page to print or save as PDF for a regulator: the same content as the
 * JSON download, built from the ledger, with the chain head to check it by. Opening it is an
 * export, so it is recorded in the audit log.
 */
export default async function ReceiptPage({
  params,
}: {
  params: Promise<{ workspace: string; id: string }>;
}) {
  const { workspace: slug, id } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'viewer');
  let receipt: ConsentReceipt;
  try {
    receipt = await exportConsentReceipt({
      session: await adminSession(),
      workspaceSlug: access.workspace.slug,
      subscriberId: id,
      format: 'print',
      ip: (await headers()).get('x-dial-remote-addr'),
    });
  } catch (error) {
    if (error instanceof DomainError && error.code === 'not_found') notFound();
    throw error;
  }
  const back = `/admin/${encodeURIComponent(access.workspace.slug)}/subscribers/${receipt.subscriber.id}`;
  const s = receipt.subscriber;
  return (
    <>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant stylesheet of this file, no data in it. */}
      <style dangerouslySetInnerHTML={{ __html: PRINT_CSS }} />
      <div data-print="hide" className="flex flex-wrap items-center gap-4">
        <a href={back} className={textLink}>
          ← Back to the subscriber
        </a>
        <PrintButton className={buttonPrimary} />
      </div>
      <div className="flex flex-col gap-1">
        <h1 className="font-bold text-2xl">Consent receipt</h1>
        <p className="text-slate-700 dark:text-slate-300">
          {receipt.workspace.name} · generated {formatUtc(receipt.generatedAt)} by{' '}
          {receipt.generatedBy} from Dial’s consent ledger.
        </p>
      </div>

      <section aria-labelledby="r-who" className="flex flex-col gap-2">
        <h2 id="r-who" className="font-semibold text-lg">
          Person and business
        </h2>
        <dl className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-[12rem_1fr]">
          <dt className="text-slate-600 dark:text-slate-400">Business (workspace)</dt>
          <dd className="break-all">
            {receipt.workspace.name} ({receipt.workspace.slug}, {receipt.workspace.id})
          </dd>
          <dt className="text-slate-600 dark:text-slate-400">Subscriber id</dt>
          <dd className="break-all">{s.id}</dd>
          {s.erased ? (
            <>
              <dt className="text-slate-600 dark:text-slate-400">Status</dt>
              <dd>
                Erased at their request{s.erasedAt ? ` on ${formatUtc(s.erasedAt)}` : ''}; no
                personal data is held.
              </dd>
            </>
          ) : (
            <>
              {s.email ? (
                <>
                  <dt className="text-slate-600 dark:text-slate-400">Email</dt>
                  <dd className="break-all">{s.email}</dd>
                </>
              ) : null}
              {s.phone ? (
                <>
                  <dt className="text-slate-600 dark:text-slate-400">Phone</dt>
                  <dd>{s.phone}</dd>
                </>
              ) : null}
              {s.externalId ? (
                <>
                  <dt className="text-slate-600 dark:text-slate-400">External id</dt>
                  <dd className="break-all">{s.externalId}</dd>
                </>
              ) : null}
            </>
          )}
          <dt className="text-slate-600 dark:text-slate-400">Known since</dt>
          <dd>{formatUtc(s.createdAt)}</dd>
        </dl>
      </section>

      <section aria-labelledby="r-subs" className="flex flex-col gap-3">
        <h2 id="r-subs" className="font-semibold text-lg">
          Subscriptions and what established them
        </h2>
        {receipt.subscriptions.length === 0 ? (
          <p>The ledger holds no subscription for this person.</p>
        ) : (
          <ul aria-label="Subscriptions" className="flex flex-col gap-4">
            {receipt.subscriptions.map((x) => (
              <li key={`${x.category}:${x.channel}`} className="flex flex-col gap-2">
                <h3 className="font-semibold">
                  {x.categoryName} by {channelWords(x.channel)}: {ANSWER_WORDS[x.answer]} (
                  {x.statusWords}
                  {x.frequency && x.status === 'subscribed' ? `, ${x.frequency}` : ''})
                </h3>
                <p className="text-sm">{x.reasonWords}</p>
                {x.establishedBy ? (
                  <LedgerEventCard event={x.establishedBy} headingLevel={4} />
                ) : null}
                {x.subscriptionEvent ? (
                  <LedgerEventCard event={x.subscriptionEvent} headingLevel={4} />
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <OtherChoices receipt={receipt} />

      <section aria-labelledby="r-chain" className="flex flex-col gap-2">
        <h2 id="r-chain" className="font-semibold text-lg">
          Tamper evidence
        </h2>
        <p className="font-semibold">
          {receipt.chain.verified
            ? `Chain intact: ${receipt.chain.events} ${receipt.chain.events === 1 ? 'event' : 'events'}.`
            : 'Chain broken: the record was changed outside Dial.'}
        </p>
        {receipt.chain.problems.length > 0 ? (
          <ul className="list-disc pl-6">
            {receipt.chain.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : null}
        <dl className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-[12rem_1fr]">
          <dt className="text-slate-600 dark:text-slate-400">Head event</dt>
          <dd>#{receipt.chain.headSeq}</dd>
          <dt className="text-slate-600 dark:text-slate-400">Head hash (SHA-256)</dt>
          <dd className="break-all font-mono text-sm" data-testid="receipt-head-hash">
            {receipt.chain.headHash || '(none)'}
          </dd>
        </dl>
        <p className="text-slate-700 text-sm dark:text-slate-300">{receipt.chain.howToVerify}</p>
      </section>
    </>
  );
}

function OtherChoices({ receipt }: { receipt: ConsentReceipt }) {
  const items = [
    ...(receipt.pause
      ? [
          {
            key: 'pause',
            label: `Paused until ${formatUtc(receipt.pause.until)}`,
            event: receipt.pause.establishedBy,
          },
        ]
      : []),
    ...receipt.globalOptOuts.map((o) => ({
      key: `opt-out-${o.scope}`,
      label: `Opted out of everything on ${channelWords(o.scope === 'all' ? null : o.scope)}`,
      event: o.establishedBy,
    })),
    ...receipt.smsKeywordBlocks.map((b) => ({
      key: `block-${b.channel}`,
      label: `Carrier block on ${channelWords(b.channel)}`,
      event: b.establishedBy,
    })),
    ...(receipt.doNotSell.value
      ? [{ key: 'dns', label: 'Do not sell or share', event: receipt.doNotSell.establishedBy }]
      : []),
  ];
  return (
    <section aria-labelledby="r-other" className="flex flex-col gap-3">
      <h2 id="r-other" className="font-semibold text-lg">
        Pause, opt-outs of everything and blocks
      </h2>
      {items.length === 0 ? (
        <p>None in force.</p>
      ) : (
        <ul className="flex flex-col gap-4">
          {items.map((i) => (
            <li key={i.key} className="flex flex-col gap-2">
              <h3 className="font-semibold">{i.label}</h3>
              {i.event ? <LedgerEventCard event={i.event} headingLevel={4} /> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
