import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { db } from '@/db/client';
import { adminWorkspaces } from '@/domain/admins';
import { pageAdmin } from './access';
import { SignOutButton } from './sign-out-button';
import { buttonSecondary, SignedOutFrame } from './ui';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Your workspaces',
  robots: { index: false, follow: false },
};

/** The admin's workspaces; with only one, straight to it. */
export default async function AdminHome() {
  const admin = await pageAdmin();
  const workspaces = await adminWorkspaces(admin.id, await db());
  const [only] = workspaces;
  if (only && workspaces.length === 1) redirect(`/admin/${only.slug}`);
  return (
    <SignedOutFrame>
      <h1 className="font-bold text-2xl">Your workspaces</h1>
      <p className="text-slate-700 dark:text-slate-300">Signed in as {admin.email}.</p>
      {workspaces.length === 0 ? (
        <p className="rounded-lg border border-slate-300 border-dashed p-6 text-center text-slate-700 dark:border-slate-700 dark:text-slate-300">
          You are not a member of any workspace yet. Ask an owner of one to add you.
        </p>
      ) : (
        <ul className="flex flex-col divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
          {workspaces.map((w) => (
            <li key={w.id}>
              <Link
                href={`/admin/${w.slug}`}
                className="flex min-h-11 flex-col gap-1 px-4 py-3 hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-slate-900"
              >
                <span className="font-semibold">{w.name}</span>
                <span className="text-slate-700 text-sm dark:text-slate-300">
                  {w.slug} · {w.role}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <SignOutButton className={buttonSecondary} />
    </SignedOutFrame>
  );
}
