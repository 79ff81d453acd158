import type { Metadata } from 'next';
import { headers } from 'next/headers';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { listDevMailbox } from '@/domain/mail';
import { isLoopbackRequest } from '@/http/loopback';
import { config } from '@/platform/config';

/** The dev mailbox (SMTP_URL unset): what Dial would have sent, newest first, for loopback only. */

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Dev mailbox',
  robots: { index: false, follow: false },
  referrer: 'no-referrer',
};

export default async function DevMailboxPage() {
  // Anyone else is told there is no such page: not even that a mailbox exists.
  if (!config().devMailbox || !isLoopbackRequest(await headers())) notFound();
  const mails = await listDevMailbox({ limit: 100 });
  return (
    <main className="mx-auto flex max-w-3xl flex-col gap-6 px-4 py-8 sm:px-6">
      <header className="flex flex-col gap-1">
        <h1 className="font-bold text-2xl">Dev mailbox</h1>
        <p className="text-slate-600 text-sm dark:text-slate-300">
          SMTP_URL is not set, so Dial keeps the mails it would send here instead. Only this machine
          can see this page. The newest 100 are shown.
        </p>
      </header>
      {mails.length === 0 ? (
        <p className="rounded-lg border border-slate-300 border-dashed p-6 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">
          No mail yet.
        </p>
      ) : (
        <ul className="flex flex-col divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
          {mails.map((mail) => (
            <li key={mail.id}>
              <Link
                href={`/dev/mailbox/${mail.id}`}
                className="flex flex-col gap-1 px-4 py-3 hover:bg-slate-50 focus-visible:bg-slate-50 dark:focus-visible:bg-slate-900 dark:hover:bg-slate-900"
              >
                <span className="break-words font-semibold">{mail.subject}</span>
                <span className="flex flex-wrap justify-between gap-x-4 text-slate-600 text-sm dark:text-slate-400">
                  <span className="break-all">To {mail.to}</span>
                  <time dateTime={mail.createdAt.toISOString()}>{when(mail.createdAt)}</time>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}

function when(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
