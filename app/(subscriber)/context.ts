import { headers } from 'next/headers';
import { cache } from 'react';
import { db } from '@/db/client';
import { findSubscriberById } from '@/db/queries/subscribers';
import { findWorkspaceById, findWorkspaceBySlug } from '@/db/queries/workspaces';
import { verifyConfirmToken } from '@/domain/form-tokens';
import { type Locale, negotiateLocale } from '@/domain/i18n';
import { preferencesForLink } from '@/domain/preferences';
import type { TokenPurpose } from '@/domain/tokens';

/**
 * Per-request facts shared by the root layout and the subscriber pages. React's `cache` makes
 * the layout and the page share one token check and one database read per request.
 */

export const requestInfo = cache(async () => {
  const h = await headers();
  const url = new URL(h.get('x-dial-path') ?? '/', 'http://dial.invalid');
  return {
    url,
    acceptLanguage: h.get('accept-language'),
    gpc: h.get('sec-gpc') === '1',
    ip: h.get('x-dial-remote-addr') ?? undefined,
    userAgent: h.get('user-agent')?.slice(0, 512) ?? undefined,
    /** Set by proxy.ts when the link in the path cannot be honoured. */
    linkProblem: h.get('x-dial-link-problem') ?? undefined,
  };
});

/** Purposes joined by commas, so the cache key is a plain string. */
export const linkView = cache((token: string, purposes: string) =>
  preferencesForLink(decodeURIComponent(token), purposes.split(',') as TokenPurpose[]),
);

export const UNSUBSCRIBE = 'unsubscribe';
export const PREFERENCES = 'preferences';

export const pageLocale = cache(async (): Promise<Locale> => {
  const { url, acceptLanguage } = await requestInfo();
  const explicit = url.searchParams.get('lang');
  const link = /^\/([up])\/([^/]+)/.exec(url.pathname);
  if (link?.[1] && link[2]) {
    const result = await linkView(link[2], link[1] === 'p' ? PREFERENCES : UNSUBSCRIBE);
    if (result.ok) {
      return negotiateLocale({
        explicit,
        stored: result.view.subscriber.locale,
        acceptLanguage,
        fallback: result.view.workspace.defaultLocale,
      });
    }
  }
  const confirm = /^\/c\/([^/]+)/.exec(url.pathname)?.[1];
  if (confirm) {
    const claims = verifyConfirmToken(decodeURIComponent(confirm));
    const dbh = await db();
    const [subscriber, workspace] = claims
      ? await Promise.all([
          findSubscriberById(dbh, claims.workspaceId, claims.subscriberId),
          findWorkspaceById(dbh, claims.workspaceId),
        ])
      : [undefined, undefined];
    return negotiateLocale({
      explicit,
      stored: subscriber?.locale,
      acceptLanguage,
      fallback: workspace?.settings.defaultLocale,
    });
  }
  const embed = /^\/embed\/([^/]+)/.exec(url.pathname)?.[1];
  if (embed) {
    // A host page passes the shopper's language as data-locale, which the loader sends as ?locale.
    const row = await findWorkspaceBySlug(await db(), decodeURIComponent(embed));
    return negotiateLocale({
      explicit: explicit ?? url.searchParams.get('locale'),
      acceptLanguage,
      fallback: row?.settings.defaultLocale,
    });
  }
  const workspace = /^\/w\/([^/]+)/.exec(url.pathname)?.[1];
  if (workspace) {
    const row = await findWorkspaceBySlug(await db(), decodeURIComponent(workspace));
    return negotiateLocale({ explicit, acceptLanguage, fallback: row?.settings.defaultLocale });
  }
  return negotiateLocale({ explicit, acceptLanguage: link ? acceptLanguage : null });
});

/** The same path with another `lang`, for the switcher and for redirects after a POST. */
export function withLang(path: string, lang: Locale, extra: Record<string, string> = {}): string {
  const url = new URL(path, 'http://dial.invalid');
  url.searchParams.set('lang', lang);
  for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
  return `${url.pathname}${url.search}`;
}
