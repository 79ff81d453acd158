'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { AdminRole } from '@/db/schema';
import { textLink } from '../ui';

/** The console's sections, in the order the nav shows them; `path` follows /admin/{slug}. */
export const SECTIONS = [
  { path: '', label: 'Audit log' },
  { path: '/settings', label: 'Settings' },
  { path: '/categories', label: 'Categories' },
  { path: '/consent-texts', label: 'Consent texts' },
  { path: '/forms', label: 'Forms' },
  { path: '/subscribers', label: 'Subscribers' },
  { path: '/analytics', label: 'Analytics' },
  { path: '/import', label: 'Import & export' },
  { path: '/api-keys', label: 'API keys', owner: true },
  { path: '/webhooks', label: 'Webhooks' },
  { path: '/team', label: 'Team' },
] as const;

/**
 * The workspace's sections the admin's role can open (the pages check again); the one being
 * viewed, or a page under it, is marked current.
 */
export function WorkspaceNav({ slug, role }: { slug: string; role: AdminRole }) {
  const pathname = usePathname() ?? '';
  const base = `/admin/${slug}`;
  const current = (path: string) =>
    path === ''
      ? pathname === base
      : pathname === `${base}${path}` || pathname.startsWith(`${base}${path}/`);
  return (
    <nav aria-label="Workspace" className="mx-auto max-w-5xl px-4 pb-2 sm:px-6">
      <ul className="flex flex-wrap gap-x-4 text-sm">
        {SECTIONS.filter((s) => role === 'owner' || !('owner' in s)).map((section) => {
          const here = current(section.path);
          return (
            <li key={section.path}>
              <Link
                href={`${base}${section.path}`}
                aria-current={here ? 'page' : undefined}
                className={`inline-flex min-h-11 items-center ${textLink} ${here ? 'font-bold no-underline' : ''}`}
              >
                {section.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
