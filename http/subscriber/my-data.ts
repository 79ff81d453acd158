import { eraseSubscriber } from '@/domain/erasure';
import { DomainError } from '@/domain/errors';
import { exportSubscriberData } from '@/domain/my-data';
import { verifyLink } from '@/domain/signing-keys';
import type { VerifyFailure } from '@/domain/tokens';
import { ProblemError } from '../problem';
import { clientInfo, readBody } from '../request';
import { formLocale, readForm, seeOther, tokenFromPath } from './forms';

/**
 * "Download my data" and "erase me", reached from the preference center. Only a preferences
 * link opens them: an unsubscribe link can reduce consent and nothing more (rule 4), and it
 * travels in every message, so it must not hand out the subscriber's data. Failures answer a
 * short page, never the data or a stack trace.
 */

/** A confirmation form is a few fields; anything larger is not ours. */
const MAX_FORM_BYTES = 16 * 1024;

const PRIVATE_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-robots-tag': 'noindex',
};

/** GET /p/{token}/data: the subscriber's data as a JSON download. */
export async function downloadMyData(request: Request): Promise<Response> {
  try {
    const verified = await verifyLink(tokenFromPath(request), { purpose: 'preferences' });
    if (!verified.ok) return linkProblem(verified.reason);
    const { workspaceId, subscriberId } = verified.claims;
    const data = await exportSubscriberData({ workspaceId, subscriberId });
    return new Response(`${JSON.stringify(data, null, 2)}\n`, {
      status: 200,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': 'attachment; filename="my-data.json"',
        ...PRIVATE_HEADERS,
      },
    });
  } catch (error) {
    return unexpected(error);
  }
}

/** GET /p/{token}/erase changes nothing (rule 2): it leads to the confirmation. */
export async function showEraseConfirmation(request: Request): Promise<Response> {
  return seeOther(linkPath(tokenFromPath(request)), { erase: 'confirm' });
}

/**
 * POST /p/{token}/erase with `confirm=yes`: erases the subscriber, then shows the done page.
 * Without the confirmation it goes back to the question and changes nothing.
 */
export async function eraseMyData(request: Request): Promise<Response> {
  try {
    const token = tokenFromPath(request);
    const verified = await verifyLink(token, { purpose: 'preferences' });
    if (!verified.ok) return linkProblem(verified.reason);
    // The form is on Dial's own page; another site's form posting here is refused.
    if (request.headers.get('sec-fetch-site') === 'cross-site') {
      return page(
        403,
        'Please use your preferences page',
        'Open the "manage preferences" link in a message and erase your data from there.',
      );
    }
    const fields = await readSmallForm(request);
    const lang = formLocale(fields);
    if (fields?.get('confirm') !== 'yes') {
      return seeOther(linkPath(token), { erase: 'confirm', lang });
    }
    const { workspaceId, subscriberId, kid, purpose } = verified.claims;
    await eraseSubscriber({
      workspaceId,
      subscriberId,
      requestedBy: 'subscriber',
      evidence: { ...clientInfo(request), tokenKid: kid, tokenPurpose: purpose },
    });
    return seeOther(`${linkPath(token)}/erased`, { lang });
  } catch (error) {
    if (error instanceof ProblemError && error.code === 'too_large') {
      return page(413, 'That was too much', 'Go back to your preferences page and try again.');
    }
    return unexpected(error);
  }
}

function linkPath(token: string): string {
  return `/p/${encodeURIComponent(token)}`;
}

/**
 * The form, read only up to a size a confirmation can have: a larger body is refused before it
 * is held in memory. Urlencoded or multipart; anything else has no fields.
 */
async function readSmallForm(request: Request) {
  const body = await readBody(request, MAX_FORM_BYTES);
  const type = request.headers.get('content-type');
  return readForm(
    new Request(request.url, {
      method: 'POST',
      headers: type ? { 'content-type': type } : {},
      body,
    }),
  );
}

const LINK_PROBLEMS: Partial<Record<VerifyFailure, [string, string]>> = {
  expired: [
    'This link has expired',
    'Preference links stop working after a while, to keep your data safe. Use the link in a newer message.',
  ],
  revoked_key: [
    'This link no longer works',
    'It was switched off for security. Use the link in a newer message.',
  ],
  wrong_purpose: [
    'This link cannot open your data',
    'Use the "manage preferences" link in the message to download or erase your data.',
  ],
};

function linkProblem(reason: VerifyFailure): Response {
  const [title, body] = LINK_PROBLEMS[reason] ?? [
    'This link is not valid',
    'It may be incomplete or changed on the way. Try copying the whole link from the message again.',
  ];
  return page(403, title, body);
}

function unexpected(error: unknown): Response {
  if (error instanceof DomainError && error.code === 'not_found') {
    return page(404, 'We could not find your data', 'It may have been deleted at your request.');
  }
  console.error('dial: unexpected error on a my-data page:', error);
  return page(
    500,
    'Something went wrong on our side',
    'Nothing was changed. Please try again in a moment.',
  );
}

function page(status: number, title: string, body: string): Response {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
</head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1.25rem; line-height: 1.5">
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(body)}</p>
</main>
</body>
</html>
`;
  return new Response(html, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', ...PRIVATE_HEADERS },
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
