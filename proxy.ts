import { type NextRequest, NextResponse } from 'next/server';
import { verifyLink } from '@/domain/signing-keys';

/**
 * Subscriber pages choose their language (and `<html lang>`) from the link in the URL, which a
 * root layout cannot see: the path goes on as a request header. And a link that cannot be
 * honoured (tampered, another workspace's, expired, revoked) is rewritten to a path no page
 * matches, so it answers 404 with the not-found page, rendered on the server with the reason:
 * a page that calls notFound() itself only gets a client-rendered 404 (vercel/next.js#62228),
 * which shows nothing without JavaScript.
 */
const PAGE = /^\/([up])\/([^/]+)(?:\/(done|less))?\/?$/;

export async function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.delete('x-dial-link-problem');
  headers.set('x-dial-path', `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const page = PAGE.exec(request.nextUrl.pathname);
  if (page?.[1] && page[2] && (request.method === 'GET' || request.method === 'HEAD')) {
    let token = '';
    try {
      token = decodeURIComponent(page[2]);
    } catch {
      // Left empty: verified below as malformed.
    }
    const verified = await verifyLink(token, {
      purpose: page[1] === 'p' ? 'preferences' : 'unsubscribe',
    });
    if (!verified.ok) {
      headers.set('x-dial-link-problem', verified.reason);
      return NextResponse.rewrite(new URL('/_dial/link-problem', request.url), {
        request: { headers },
      });
    }
  }
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ['/u/:path*', '/p/:path*', '/w/:path*'] };
