import type { Metadata } from 'next';
import Link from 'next/link';
import { ADMIN_ROLES } from '@/db/schema';
import { type AuditLogEntry, auditLogPage } from '@/domain/audit';
import { pageAccess } from '../access';
import { describeAction } from '../audit-wording';
import { Notice, textLink } from '../ui';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Workspace',
  robots: { index: false, follow: false },
};

/** A workspace's home: for now, its audit log, newest first, a page at a time. */
export default async function WorkspaceHome({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { workspace: slug } = await params;
  const query = await searchParams;
  const access = await pageAccess(decodeURIComponent(slug), 'viewer');
  const cursor = typeof query.cursor === 'string' ? query.cursor : null;
  const needs = ADMIN_ROLES.find((r) => r === query.needs);
  const page = await auditLogPage({ workspaceId: access.workspace.id, cursor });
  const base = `/admin/${encodeURIComponent(access.workspace.slug)}`;
  return (
    <>
      {needs ? (
        <Notice tone="warning">
          <p role="status">
            That page needs the {needs} role; you are {access.role} here. An owner can change your
            role.
          </p>
        </Notice>
      ) : null}
      <div className="flex flex-col gap-1">
        <h1 className="font-bold text-2xl">Audit log</h1>
        <p className="text-slate-700 dark:text-slate-300">
          Who did what in {access.workspace.name}, newest first. Times are in UTC.
        </p>
      </div>
      {page.entries.length === 0 ? (
        <p className="rounded-lg border border-slate-300 border-dashed p-6 text-center text-slate-700 dark:border-slate-700 dark:text-slate-300">
          {cursor ? 'No older entries.' : 'Nothing has happened here yet.'}
        </p>
      ) : (
        <AuditTable entries={page.entries} />
      )}
      <nav aria-label="Audit log pages" className="flex flex-wrap gap-4">
        {cursor ? (
          <Link href={base} className={textLink}>
            Newest entries
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link href={`${base}?cursor=${encodeURIComponent(page.nextCursor)}`} className={textLink}>
            Older entries
          </Link>
        ) : null}
      </nav>
    </>
  );
}

const WHEN = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'medium',
  timeZone: 'UTC',
});

/** A table from the small breakpoint up; on a phone, one card per entry. */
function AuditTable({ entries }: { entries: AuditLogEntry[] }) {
  return (
    <>
      <ol aria-label="Audit log entries, newest first" className="flex flex-col gap-3 sm:hidden">
        {entries.map((entry) => (
          <li
            key={entry.id}
            className="flex flex-col gap-1 rounded-lg border border-slate-200 p-3 dark:border-slate-800"
          >
            <span className="font-medium">{describeAction(entry)}</span>
            <span className="break-words text-slate-700 text-sm dark:text-slate-300">
              {entry.adminEmail ?? who(entry)}
              {entry.ip ? ` · from ${entry.ip}` : ''}
            </span>
            <time
              dateTime={entry.createdAt.toISOString()}
              className="text-slate-700 text-sm dark:text-slate-300"
            >
              {WHEN.format(entry.createdAt)}
            </time>
          </li>
        ))}
      </ol>
      <div className="hidden overflow-x-auto rounded-lg border border-slate-200 sm:block dark:border-slate-800">
        <table className="w-full border-collapse text-left text-sm">
          <caption className="sr-only">Audit log entries, newest first</caption>
          <thead className="bg-slate-50 dark:bg-slate-900">
            <tr>
              <th scope="col" className="px-3 py-2 font-semibold">
                When
              </th>
              <th scope="col" className="px-3 py-2 font-semibold">
                Who
              </th>
              <th scope="col" className="px-3 py-2 font-semibold">
                What
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
            {entries.map((entry) => (
              <tr key={entry.id} className="align-top">
                <td className="whitespace-nowrap px-3 py-2">
                  <time dateTime={entry.createdAt.toISOString()}>
                    {WHEN.format(entry.createdAt)}
                  </time>
                </td>
                <td className="break-all px-3 py-2">{entry.adminEmail ?? who(entry)}</td>
                <td className="px-3 py-2">
                  {describeAction(entry)}
                  {entry.ip ? (
                    <span className="block text-slate-600 text-xs dark:text-slate-400">
                      from {entry.ip}
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function who(entry: AuditLogEntry): string {
  if (entry.detail.via === 'cli') return 'The command line';
  return entry.adminId ? 'A removed admin' : 'Dial';
}

/** Each action in words. Text that came from people (an address) is rendered as text by React. */
