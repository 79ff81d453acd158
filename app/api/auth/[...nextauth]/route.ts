import NextAuth from 'next-auth';
import { authOptions } from '@/app/(admin)/auth';

/** next-auth's endpoints (CSRF, the sign-in link's POST, session, sign-out) for the admin console. */
function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(request as never, context as never, authOptions());
}

export { handler as GET, handler as POST };
