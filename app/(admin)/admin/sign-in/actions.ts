'use server';

import { headers } from 'next/headers';
import { type SignInRequest, signInRequestSchema } from '@/domain/admin-validation';
import { requestSignInLink } from '@/domain/admins';

export type RequestSignInLinkResult =
  | { ok: true; data: { sent: true } }
  | {
      ok: false;
      code: 'validation' | 'rate_limited';
      message: string;
      fieldErrors?: Partial<Record<keyof SignInRequest, string>>;
    };

/**
 * "Email me a sign-in link". Nobody is signed in yet, so the guard has nothing to check here;
 * the answer is the same whether or not the address is an admin's.
 */
export async function requestSignInLinkAction(input: unknown): Promise<RequestSignInLinkResult> {
  const parsed = signInRequestSchema.safeParse(input);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'Enter your email address.';
    return { ok: false, code: 'validation', message, fieldErrors: { email: message } };
  }
  const ip = (await headers()).get('x-dial-remote-addr');
  const answer = await requestSignInLink({ email: parsed.data.email, ip });
  if (answer.status === 'rate_limited') {
    const minutes = Math.ceil(answer.retryAfterSeconds / 60);
    return {
      ok: false,
      code: 'rate_limited',
      message: `Too many sign-in links were asked for. Try again in ${minutes === 1 ? 'a minute' : `${minutes} minutes`}.`,
    };
  }
  return { ok: true, data: { sent: true } };
}
