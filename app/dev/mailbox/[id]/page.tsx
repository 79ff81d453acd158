import type { Metadata } from 'next';
import { headers } from 'next/headers';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { findDevMailById } from '@/domain/mail';
import { isLoopbackRequest } from '@/http/loopback';
import { config } from '@/platform/config';

/** One mail of the dev mailbox: its headers, the text part, and the HTML part in a sandbox. */

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Dev mailbox',
  robots: { index: false, follow: false },
  referrer: 'no-referrer',
};

export default async function DevMailPage({ params }: { params: Promise<{ id: string }> }) {
  if (!config().devMailbox || !isLoopbackRequest(await headers())) notFound();
  const { id } = await params;
  const mail = await findDevMailById(id);
  if (!mail) notFound();
  const fields: [string, ReactNode][] = [
    ['From', mail.from],
    ['To', mail.to],
    ['Subject', mail.subject],
    [
      'Date',
      <time key="date" dateTime={mail.createdAt.toISOString()}>
        {`${mail.createdAt.toISOString().slice(0, 19).replace('T', ' ')} UTC`}
      </time>,
    ],
    ['Workspace', mail.workspaceId ?? '—'],
  ];
  return (
    <main className="mx-auto flex max-w-3xl flex-col gap-6 px-4 py-8 sm:px-6">
      <p>
        <Link
          href="/dev/mailbox"
          className="text-indigo-700 text-sm underline dark:text-indigo-300"
        >
          ← All mail
        </Link>
      </p>
      <h1 className="break-words font-bold text-2xl">{mail.subject}</h1>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        {fields.map(([name, value]) => (
          <div key={name} className="contents">
            <dt className="font-semibold text-slate-600 dark:text-slate-400">{name}</dt>
            <dd className="min-w-0 break-all">{value}</dd>
          </div>
        ))}
      </dl>
      <section aria-labelledby="text-part" className="flex flex-col gap-2">
        <h2 id="text-part" className="font-semibold text-lg">
          Text part
        </h2>
        <pre className="overflow-x-auto whitespace-pre-wrap break-words rounded-lg bg-slate-100 p-4 font-mono text-sm dark:bg-slate-900">
          {withLinks(mail.text)}
        </pre>
      </section>
      <section aria-labelledby="html-part" className="flex flex-col gap-2">
        <h2 id="html-part" className="font-semibold text-lg">
          HTML part
        </h2>
        <p className="text-slate-600 text-sm dark:text-slate-400">
          Shown in a sandbox: no scripts, no forms, links do not open from it. Use the links in the
          text part.
        </p>
        <iframe
          title="HTML part of the mail"
          sandbox=""
          srcDoc={mail.html}
          referrerPolicy="no-referrer"
          className="h-[36rem] w-full rounded-lg border border-slate-200 bg-white dark:border-slate-800"
        />
      </section>
    </main>
  );
}

/** The text part with its web links clickable, so a developer can follow a mail's links. */
function withLinks(text: string): ReactNode[] {
  const nodes: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"]+/g)) {
    nodes.push(
      text.slice(last, match.index),
      <a
        key={match.index}
        href={match[0]}
        className="break-all text-indigo-700 underline dark:text-indigo-300"
      >
        {match[0]}
      </a>,
    );
    last = match.index + match[0].length;
  }
  nodes.push(text.slice(last));
  return nodes;
}
