import { headers } from 'next/headers';
import type { NextAuthOptions } from 'next-auth';
import { getServerSession } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { AdminSession } from '@/domain/admin-guard';
import { recordSignOut, signInWithToken } from '@/domain/admins';
import { config, exportNextEnvironment } from '@/platform/config';
import { SIGN_IN_PROVIDER } from './sign-in-provider';

/**
 * next-auth for the admin console. The only credential is Dial's single-use sign-in token (the
 * magic link); the session is a JWT that carries the admin id and nothing else: roles are read
 * from the database on every action (domain/admin-guard.ts), so a changed role needs no new
 * session. Built on first use, not at import, so `next build` reads no configuration.
 */

const SESSION_HOURS = 12;

let options: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (options) return options;
  const cfg = config();
  // next-auth reads its origin (and, where no options reach it, the secret) from process.env.
  exportNextEnvironment(cfg);
  options = {
    secret: cfg.authSecret,
    session: { strategy: 'jwt', maxAge: SESSION_HOURS * 3600 },
    pages: { signIn: '/admin/sign-in', error: '/admin/sign-in/confirm' },
    providers: [
      CredentialsProvider({
        id: SIGN_IN_PROVIDER,
        name: 'Sign-in link',
        credentials: { token: { label: 'Sign-in token', type: 'text' } },
        async authorize(credentials) {
          const h = await headers();
          const result = await signInWithToken({
            token: credentials?.token,
            ip: h.get('x-dial-remote-addr'),
            userAgent: h.get('user-agent'),
          });
          // The message reaches the confirm page as the error code: used, expired or invalid.
          if (!result.ok) throw new Error(result.reason);
          return { id: result.adminId };
        },
      }),
    ],
    callbacks: {
      // Only the admin id goes into the token: no name, no address, no roles.
      jwt: ({ token, user }) => ({ sub: user?.id ?? token.sub }),
      session: ({ session, token }) =>
        ({ expires: session.expires, adminId: token.sub }) as unknown as typeof session,
    },
    events: {
      async signOut({ token }) {
        if (!token?.sub) return;
        const h = await headers();
        await recordSignOut({ adminId: token.sub, ip: h.get('x-dial-remote-addr') });
      },
    },
  };
  return options;
}

/** The signed-in admin's id from the session cookie, or null; who they may be is the guard's. */
export async function adminSession(): Promise<AdminSession> {
  const session = (await getServerSession(authOptions())) as { adminId?: unknown } | null;
  return typeof session?.adminId === 'string' ? { adminId: session.adminId } : null;
}
