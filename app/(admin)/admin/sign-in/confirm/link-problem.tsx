import Link from 'next/link';
import { buttonPrimary } from '../../ui';

export type LinkProblem = 'used' | 'expired' | 'invalid' | 'failed';

const WORDS: Record<LinkProblem, { heading: string; body: string }> = {
  used: {
    heading: 'This sign-in link has been used',
    body: 'Each link signs in once. If that was not you, nobody else can use it now either. Ask for a new link to sign in again.',
  },
  expired: {
    heading: 'This sign-in link has expired',
    body: 'Links work for 15 minutes. Ask for a new one; it arrives in a minute or so.',
  },
  invalid: {
    heading: 'This sign-in link does not work',
    body: 'It may have been cut short or changed on its way. Ask for a new link.',
  },
  failed: {
    heading: 'Signing in did not work',
    body: 'Something went wrong on our side. The link may still work: open it again, or ask for a new one.',
  },
};

/** What a link that cannot sign in says: why, and the way to a new one. */
export function LinkProblemView({ problem }: { problem: LinkProblem }) {
  const words = WORDS[problem];
  return (
    <>
      <h1 className="font-bold text-2xl">{words.heading}</h1>
      <p>{words.body}</p>
      <Link href="/admin/sign-in" className={buttonPrimary}>
        Email me a new link
      </Link>
    </>
  );
}
