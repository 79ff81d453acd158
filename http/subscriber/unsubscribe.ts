import { undoChange } from '@/domain/consent';
import { DomainError } from '@/domain/errors';
import { recordFeedback } from '@/domain/feedback';
import { linkOrigin } from '@/domain/links';
import { oneClickOptOut } from '@/domain/one-click';
import { preferencesView } from '@/domain/preferences';
import { issueLink, verifyLink } from '@/domain/signing-keys';
import { optOutWithLink, scopeOf, type Which } from '@/domain/unsubscribe';
import { type BufferedRequest, textResponse } from '../buffered';
import { clientInfo } from '../request';
import { formLocale, readForm, seeOther, tokenFromPath } from './forms';

/** The POSTs behind an unsubscribe link: opt out, one-click (RFC 8058), undo, feedback. */

async function linkContext(token: string) {
  const verified = await verifyLink(token, { purpose: 'unsubscribe' });
  if (!verified.ok) return undefined;
  const view = await preferencesView(verified.claims);
  return view ? { claims: verified.claims, view } : undefined;
}

type LinkContext = NonNullable<Awaited<ReturnType<typeof linkContext>>>;

/** The one confirmation message, with a link back to the optional question for this opt-out. */
function confirmation(context: LinkContext, token: string, which: Which, locale?: string) {
  const origin = linkOrigin({ settings: { linkDomain: context.view.workspace.linkDomain } });
  return {
    enabled: context.view.subscriber.email !== null && !context.view.subscriber.erased,
    locale,
    feedbackUrl: (changeId: string) =>
      `${origin}/u/${encodeURIComponent(token)}/done?${new URLSearchParams({ which, change: changeId, ...(locale ? { lang: locale } : {}) })}`,
  };
}

/** POST /u/{token}/opt-out: `which` = this | all. Then the confirmation page, with an undo. */
export async function postOptOut(request: Request): Promise<Response> {
  const token = tokenFromPath(request);
  const base = `/u/${encodeURIComponent(token)}`;
  const fields = await readForm(request);
  const lang = formLocale(fields);
  const context = await linkContext(token);
  if (!context) return seeOther(base, { lang });
  const which = fields?.get('which');
  if (which !== 'this' && which !== 'all') return seeOther(base, { lang, stale: '1' });
  const result = await optOutWithLink({
    claims: context.claims,
    scope: scopeOf(context.claims, context.view.categories),
    which: which as Which,
    source: 'unsubscribe_page',
    evidence: clientInfo(request),
    confirm: confirmation(context, token, which as Which, lang),
  });
  const changeId = result.ok ? (result.changeId ?? undefined) : undefined;
  const undo = changeId
    ? await issueLink({
        purpose: 'undo',
        workspaceId: context.claims.workspaceId,
        subscriberId: context.claims.subscriberId,
        changeId,
      })
    : undefined;
  return seeOther(`${base}/done`, { lang, which, undo, change: changeId });
}

/**
 * POST /u/{token}/one-click, RFC 8058: a mail provider's server posts `List-Unsubscribe=One-Click`
 * (urlencoded or multipart), with no cookie, no auth and no Origin. The opt-out is committed
 * before the 200; there is no redirect and no cookie. A repeat changes nothing.
 */
export async function postOneClick(request: Request | BufferedRequest): Promise<Response> {
  const token = tokenFromPath(request);
  const text = (status: number, body: string) =>
    textResponse(body, {
      status,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    });
  const fields = await readForm(request);
  if (fields?.get('List-Unsubscribe') !== 'One-Click') {
    return text(400, 'Expected the form field List-Unsubscribe=One-Click (RFC 8058).');
  }
  const verified = await verifyLink(token, { purpose: 'unsubscribe' });
  if (!verified.ok) return text(403, 'This unsubscribe link is not valid.');
  // Committed in a group with the one-clicks arriving at the same moment (domain/one-click.ts).
  const result = await oneClickOptOut({
    claims: verified.claims,
    evidence: clientInfo(request),
    feedbackPath: `/u/${encodeURIComponent(token)}/done`,
  });
  if (!result.ok && 'unknown' in result) {
    return text(403, 'This unsubscribe link is not valid.');
  }
  if (!result.ok) return text(409, 'This link cannot unsubscribe from anything.');
  return text(200, 'You are unsubscribed.');
}

/** GET of the one-click URL (a person, or a scanner): the landing page, which changes nothing. */
export async function getOneClick(request: Request): Promise<Response> {
  return seeOther(`/u/${encodeURIComponent(tokenFromPath(request))}`);
}

/** POST /u/{token}/undo: restores the state before the opt-out its single-use undo token names. */
export async function postUndo(request: Request): Promise<Response> {
  const token = tokenFromPath(request);
  const base = `/u/${encodeURIComponent(token)}`;
  const fields = await readForm(request);
  const lang = formLocale(fields);
  const context = await linkContext(token);
  if (!context) return seeOther(base, { lang });
  const undo = await verifyLink(fields?.get('undo'), {
    workspaceId: context.claims.workspaceId,
    purpose: 'undo',
  });
  if (
    !undo.ok ||
    undo.claims.subscriberId !== context.claims.subscriberId ||
    !undo.claims.changeId
  ) {
    return seeOther(`${base}/done`, { lang, state: 'undo-unavailable' });
  }
  try {
    const result = await undoChange({
      workspaceId: undo.claims.workspaceId,
      subscriberId: undo.claims.subscriberId,
      changeId: undo.claims.changeId,
      jti: undo.claims.jti,
      source: 'unsubscribe_page',
      evidence: { ...clientInfo(request), tokenKid: undo.claims.kid, tokenPurpose: 'undo' },
    });
    return seeOther(`${base}/done`, { lang, state: result.ok ? 'undone' : 'undo-unavailable' });
  } catch (error) {
    if (error instanceof DomainError)
      return seeOther(`${base}/done`, { lang, state: 'undo-unavailable' });
    throw error;
  }
}

/** POST /u/{token}/feedback: the optional reason and comment, tied to the opt-out's change. */
export async function postFeedback(request: Request): Promise<Response> {
  const token = tokenFromPath(request);
  const base = `/u/${encodeURIComponent(token)}`;
  const fields = await readForm(request);
  const lang = formLocale(fields);
  const context = await linkContext(token);
  if (!context) return seeOther(base, { lang });
  const changeId = fields?.get('change') ?? '';
  // Keep the undo button on the page that follows, while its token lasts.
  const keep = {
    lang,
    undo: fields?.get('undo') || undefined,
    which: fields?.get('which') || undefined,
  };
  if (!/^[0-9a-f-]{36}$/i.test(changeId))
    return seeOther(`${base}/done`, { ...keep, state: 'thanks' });
  const comment = fields?.get('comment') ?? '';
  if (comment.trim().length > 1000) {
    return seeOther(`${base}/done`, { ...keep, change: changeId, state: 'comment-too-long' });
  }
  await recordFeedback({
    workspaceId: context.claims.workspaceId,
    subscriberId: context.claims.subscriberId,
    changeId,
    reason: fields?.get('reason'),
    comment,
  }).catch((error: unknown) => {
    // A reason outside the list can only come from a hand-made form: thank them all the same.
    if (!(error instanceof Error && error.name === 'ZodError')) throw error;
  });
  return seeOther(`${base}/done`, { ...keep, state: 'thanks' });
}
