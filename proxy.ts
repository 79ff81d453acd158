import { type NextRequest, NextResponse } from 'next/server';
import { frameAncestors, loadEmbedForm } from '@/domain/embed';
import { verifyConfirmToken } from '@/domain/form-tokens';
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
const CONFIRM = /^\/c\/([^/]+)\/?$/;
const EMBED = /^\/embed\/([^/]+)\/([^/]+)(?:\/done)?\/?$/;

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
  const confirm = CONFIRM.exec(request.nextUrl.pathname);
  if (confirm?.[1] && (request.method === 'GET' || request.method === 'HEAD')) {
    if (!verifyConfirmToken(safeDecode(confirm[1]))) {
      headers.set('x-dial-link-problem', 'confirm_invalid');
      return NextResponse.rewrite(new URL('/_dial/link-problem', request.url), {
        request: { headers },
      });
    }
  }
  const response = NextResponse.next({ request: { headers } });
  const embed = EMBED.exec(request.nextUrl.pathname);
  if (embed?.[1] && embed[2]) {
    // Only the form's allowed origins may frame it: the browser enforces this header.
    const found = await loadEmbedForm({
      workspaceSlug: safeDecode(embed[1]),
      formSlug: safeDecode(embed[2]),
      locale: 'en',
    });
    response.headers.set(
      'Content-Security-Policy',
      `frame-ancestors ${frameAncestors(found?.allowedOrigins ?? [])}`,
    );
  }
  return response;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return '';
  }
}

export const config = {
  matcher: ['/u/:path*', '/p/:path*', '/w/:path*', '/c/:path*', '/embed/:path*'],
};
