import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { requireSignedInAdmin } from '@/domain/admin-guard';
import { adminSession } from '../../auth';
import { Notice, SignedOutFrame } from '../ui';
import { SignInForm } from './sign-in-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Sign in',
  robots: { index: false, follow: false },
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // Already signed in: the console, not the form. (Who may see what there is the guard's.)
  const signedIn = await requireSignedInAdmin(await adminSession()).then(
    () => true,
    () => false,
  );
  if (signedIn) redirect('/admin');
  const query = await searchParams;
  return (
    <SignedOutFrame>
      <h1 className="font-bold text-2xl">Sign in</h1>
      {query['signed-out'] !== undefined ? (
        <Notice tone="success">
          <p role="status">You are signed out.</p>
        </Notice>
      ) : null}
      <p>
        Type the address you use for Dial and we will email you a link that signs you in. There is
        no password.
      </p>
      <SignInForm />
    </SignedOutFrame>
  );
}
