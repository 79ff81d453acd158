'use client';

import { signIn } from 'next-auth/react';
import { useRef, useState, useTransition } from 'react';
import { SIGN_IN_PROVIDER } from '../../../sign-in-provider';
import { buttonPrimary } from '../../ui';
import { type LinkProblem, LinkProblemView } from './link-problem';

/**
 * The one button. Pressing it POSTs the token to next-auth (with its CSRF token), which spends
 * it; only then is the visitor signed in. Opening the page alone did nothing.
 */
export function ConfirmSignIn({ token }: { token: string }) {
  const [pending, startTransition] = useTransition();
  const [problem, setProblem] = useState<LinkProblem | null>(null);
  const heading = useRef<HTMLDivElement>(null);

  const confirm = () =>
    startTransition(async () => {
      const result = await signIn(SIGN_IN_PROVIDER, {
        token,
        redirect: false,
        // Not this page's URL (signIn's default): it carries the token.
        callbackUrl: '/admin',
      }).catch(() => null);
      if (result?.ok && !result.error) {
        // A full load, so every server component reads the new session cookie.
        window.location.assign('/admin');
        return;
      }
      const code = result?.error;
      setProblem(code === 'used' || code === 'expired' || code === 'invalid' ? code : 'failed');
      requestAnimationFrame(() => heading.current?.focus());
    });

  if (problem) {
    return (
      <div ref={heading} tabIndex={-1} className="flex flex-col gap-5 outline-none">
        <LinkProblemView problem={problem} />
      </div>
    );
  }
  return (
    <>
      <h1 className="font-bold text-2xl">Sign in to Dial</h1>
      <p>Press the button to finish signing in. The link works once, for 15 minutes.</p>
      <button type="button" className={buttonPrimary} onClick={confirm} disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </>
  );
}
