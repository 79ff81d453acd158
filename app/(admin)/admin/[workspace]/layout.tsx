import Link from 'next/link';
import type { ReactNode } from 'react';
import { db } from '@/db/client';
import { adminWorkspaces } from '@/domain/admins';
import { pageAccess } from '../access';
import { SignOutButton } from '../sign-out-button';
import { textLink } from '../ui';
import { WorkspaceNav } from './workspace-nav';

/**
 * The frame of a workspace's console: which workspace (and a way to the admin's others), who is
 * signed in, sign out. The guard runs here and again in each page and action: a layout is not
 * re-rendered on every navigation, so it is never the only check.
 */
export default async function WorkspaceLayout({
  params,
  children,
}: {
  params: Promise<{ workspace: string }>;
  children: ReactNode;
}) {
  const { workspace: slug } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'viewer');
  const workspaces = await adminWorkspaces(access.admin.id, await db());
  const others = workspaces.filter((w) => w.id !== access.workspace.id);
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="border-slate-200 border-b bg-slate-50 dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-6 gap-y-3 px-4 py-3 sm:px-6">
          <div className="flex min-w-0 flex-col">
            <span className="font-semibold text-indigo-700 text-sm dark:text-indigo-300">
              Dial · Admin console
            </span>
            <span className="truncate font-bold text-lg">{access.workspace.name}</span>
          </div>
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
            {others.length > 0 ? (
              <details className="relative">
                <summary className="min-h-11 cursor-pointer content-center rounded-lg px-2 font-medium hover:bg-slate-200 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-slate-800">
                  Switch workspace
                </summary>
                <nav aria-label="Your workspaces" className="mt-1">
                  <ul className="flex flex-col gap-1 rounded-lg border border-slate-200 bg-white p-2 sm:absolute sm:right-0 sm:z-10 sm:min-w-56 sm:shadow-lg dark:border-slate-700 dark:bg-slate-950">
                    {workspaces.map((w) => (
                      <li key={w.id}>
                        {w.id === access.workspace.id ? (
                          <span aria-current="page" className="block px-2 py-2 font-semibold">
                            {w.name}{' '}
                            <span className="font-normal text-slate-600 dark:text-slate-400">
                              ({w.role})
                            </span>
                          </span>
                        ) : (
                          <Link href={`/admin/${w.slug}`} className={`block px-2 py-2 ${textLink}`}>
                            {w.name} <span className="font-normal">({w.role})</span>
                          </Link>
                        )}
                      </li>
                    ))}
                  </ul>
                </nav>
              </details>
            ) : null}
            <span className="break-all text-slate-700 dark:text-slate-300">
              {access.admin.email} · {access.role}
            </span>
            <SignOutButton className="min-h-11 rounded-lg border border-slate-300 bg-white px-3 font-semibold hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:border-slate-700 dark:bg-slate-950 dark:hover:bg-slate-800" />
          </div>
        </div>
        <WorkspaceNav slug={access.workspace.slug} role={access.role} />
      </header>
      <main className="mx-auto flex w-full max-w-5xl flex-1 flex-col gap-6 px-4 py-6 sm:px-6">
        {children}
      </main>
    </div>
  );
}
