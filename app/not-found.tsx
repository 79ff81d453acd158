import { db } from '@/db/client';
import { findWorkspaceById } from '@/db/queries/workspaces';
import { brandOf } from '@/domain/preferences';
import { unverifiedWorkspaceId } from '@/domain/tokens';
import {
  linkView,
  PREFERENCES,
  pageLocale,
  requestInfo,
  UNSUBSCRIBE,
  withLang,
} from './(subscriber)/context';
import { messages } from './(subscriber)/messages';
import { buttonPrimary, Shell } from './(subscriber)/shell';

/**
 * 404, and for a link that cannot be honoured (tampered, of another workspace, expired,
 * revoked) a page that says what happened in the subscriber's words and offers a fresh link.
 */
export default async function NotFound() {
  const locale = await pageLocale();
  const t = messages(locale);
  const { url, linkProblem } = await requestInfo();
  const match = /^\/([up])\/([^/]+)/.exec(url.pathname);
  if (!match) {
    return (
      <Shell locale={locale}>
        <h1 className="font-bold text-2xl">{t.notFound[0]}</h1>
        <p>{t.notFound[1]}</p>
      </Shell>
    );
  }
  let reason = linkProblem ?? 'malformed';
  let brand: ReturnType<typeof brandOf> | undefined;
  if (match?.[1] && match[2]) {
    if (!linkProblem) {
      const result = await linkView(match[2], match[1] === 'p' ? PREFERENCES : UNSUBSCRIBE);
      if (!result.ok) reason = result.reason;
    }
    const workspaceId = unverifiedWorkspaceId(decodeURIComponent(match[2]));
    const workspace = workspaceId
      ? await findWorkspaceById(await db(), workspaceId).catch(() => undefined)
      : undefined;
    brand = workspace ? brandOf(workspace) : undefined;
  }
  const [title, body] = t.problems[reason as keyof typeof t.problems] ?? t.problems.malformed;
  return (
    <Shell brand={brand} locale={locale}>
      <h1 className="font-bold text-2xl">{title}</h1>
      <p>{body}</p>
      {brand ? (
        <a className={buttonPrimary} href={withLang(`/w/${brand.slug}/link`, locale)}>
          {t.freshLink}
        </a>
      ) : null}
    </Shell>
  );
}
