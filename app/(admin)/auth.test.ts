import { describe, expect, it } from 'vitest';
import { config } from '@/platform/config';
import { authOptions } from './auth';
import { SIGN_IN_PROVIDER } from './sign-in-provider';

/** next-auth's options: what goes into the session, and where its secret comes from. */
describe('the admin session', () => {
  const options = authOptions();

  it('keeps only the admin id in the token and the session: no address, no name, no role', async () => {
    const jwt = options.callbacks?.jwt;
    const session = options.callbacks?.session;
    if (!jwt || !session) throw new Error('callbacks missing');
    const signedIn = await jwt({
      token: { name: 'Ana', email: 'ana@example.com', picture: 'x', sub: 'old' },
      user: { id: '6f1c0a34-7a43-4b43-9a39-2a8a4c6c4c11', email: 'ana@example.com' },
      account: null,
    } as never);
    expect(signedIn).toEqual({ sub: '6f1c0a34-7a43-4b43-9a39-2a8a4c6c4c11' });
    // Later requests carry the same id and nothing that crept in.
    expect(await jwt({ token: { ...signedIn, role: 'owner' } } as never)).toEqual(signedIn);
    const shown = await session({
      session: { expires: '2030-01-01T00:00:00.000Z', user: { email: 'ana@example.com' } },
      token: signedIn,
    } as never);
    expect(shown).toEqual({
      expires: '2030-01-01T00:00:00.000Z',
      adminId: '6f1c0a34-7a43-4b43-9a39-2a8a4c6c4c11',
    });
  });

  it("signs in only with Dial's sign-in token, and uses the derived secret and the JWT strategy", () => {
    // next-auth merges a provider's own options (its id among them) over the defaults at run time.
    const providers = options.providers.map((p) => ({
      id: (p as { options?: { id?: string } }).options?.id ?? p.id,
      type: p.type,
    }));
    expect(providers).toEqual([{ id: SIGN_IN_PROVIDER, type: 'credentials' }]);
    expect(options.session?.strategy).toBe('jwt');
    expect(options.secret).toBe(config().authSecret);
    expect(options.secret).not.toBe(config().secret);
    expect(process.env.NEXTAUTH_URL).toBe(config().baseUrl);
  });
});
