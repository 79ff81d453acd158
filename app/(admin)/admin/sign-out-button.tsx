'use client';

import { signOut } from 'next-auth/react';
import { useTransition } from 'react';

/** Sign out is a POST (next-auth's, with its CSRF token): a link or a prefetch cannot do it. */
export function SignOutButton({ className }: { className?: string }) {
  const [pending, startTransition] = useTransition();
  return (
    <button
      type="button"
      className={className}
      disabled={pending}
      onClick={() =>
        startTransition(async () => {
          await signOut({ callbackUrl: '/admin/sign-in?signed-out' });
        })
      }
    >
      {pending ? 'Signing out…' : 'Sign out'}
    </button>
  );
}
