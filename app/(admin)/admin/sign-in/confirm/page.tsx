import type { Metadata } from 'next';
import { signInTokenState } from '@/domain/admins';
import { SignedOutFrame } from '../../ui';
import { ConfirmSignIn } from './confirm-sign-in';
import { type LinkProblem, LinkProblemView } from './link-problem';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Sign in',
  robots: { index: false, follow: false },
  // The token is in the URL: never send it on in a Referer.
  referrer: 'no-referrer',
};

/**
 * Where the sign-in link lands. A GET only looks the token up (mail scanners fetch every link):
 * it shows the button, or why the link cannot sign in. next-auth's error page is this page too
 * (`?error=`), for a failure without JavaScript's help.
 */
export default async function ConfirmPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const query = await searchParams;
  const token = typeof query.token === 'string' ? query.token : undefined;
  const error = typeof query.error === 'string' ? query.error : undefined;
  const state = token ? await signInTokenState(token) : 'invalid';
  const problem: LinkProblem | null =
    !token && error
      ? error === 'used' || error === 'expired' || error === 'invalid'
        ? error
        : 'failed'
      : state === 'valid'
        ? null
        : state;
  return (
    <SignedOutFrame>
      {problem || !token ? (
        <LinkProblemView problem={problem ?? 'invalid'} />
      ) : (
        <ConfirmSignIn token={token} />
      )}
    </SignedOutFrame>
  );
}
