import { createHmac, timingSafeEqual } from 'node:crypto';
import { config } from '@/platform/config';

/**
 * Two short signed tokens for embedded forms, with a key derived from DIAL_SECRET:
 * - a form token, rendered into the iframe page instead of a cookie-based CSRF token (embeds
 *   must work with third-party cookies blocked), short-lived, bound to workspace and form;
 * - a confirmation token, the double opt-in link, bound to one pending change of one subscriber.
 * Format: `<kind>.<base64url JSON>.<base64url tag>`; the tag is HMAC-SHA256 cut to 128 bits.
 */

type FormClaims = { w: string; f: string; exp: number };
type ConfirmClaims = { w: string; s: string; c: string; exp: number };

const FORM_TTL_SECONDS = 2 * 60 * 60;

function key(kind: string): Buffer {
  return createHmac('sha256', config().secret).update(`dial-${kind}-token-v1`).digest();
}

function sign(kind: 'f1' | 'c1', claims: object): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const tag = createHmac('sha256', key(kind)).update(`${kind}.${body}`).digest().subarray(0, 16);
  return `${kind}.${body}.${tag.toString('base64url')}`;
}

function open<T extends { exp: number }>(
  kind: 'f1' | 'c1',
  token: string | null | undefined,
  now: Date,
): T | undefined {
  if (!token || token.length > 600) return undefined;
  const [k, body, tag] = token.split('.');
  if (k !== kind || !body || !tag) return undefined;
  const wanted = createHmac('sha256', key(kind)).update(`${kind}.${body}`).digest().subarray(0, 16);
  const given = Buffer.from(tag, 'base64url');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
    return typeof claims.exp === 'number' && claims.exp * 1000 > now.getTime() ? claims : undefined;
  } catch {
    return undefined;
  }
}

export function signFormToken(
  input: { workspaceId: string; formId: string },
  now = new Date(),
): string {
  return sign('f1', {
    w: input.workspaceId,
    f: input.formId,
    exp: Math.floor(now.getTime() / 1000) + FORM_TTL_SECONDS,
  });
}

/** True when the token was issued for this form of this workspace and is still fresh. */
export function verifyFormToken(
  token: string | null | undefined,
  input: { workspaceId: string; formId: string },
  now = new Date(),
): boolean {
  const claims = open<FormClaims>('f1', token, now);
  return claims?.w === input.workspaceId && claims.f === input.formId;
}

export function signConfirmToken(
  input: { workspaceId: string; subscriberId: string; changeId: string; validForDays: number },
  now = new Date(),
): string {
  return sign('c1', {
    w: input.workspaceId,
    s: input.subscriberId,
    c: input.changeId,
    exp: Math.floor(now.getTime() / 1000) + input.validForDays * 86_400,
  });
}

export function verifyConfirmToken(
  token: string | null | undefined,
  now = new Date(),
): { workspaceId: string; subscriberId: string; changeId: string } | undefined {
  const claims = open<ConfirmClaims>('c1', token, now);
  return claims ? { workspaceId: claims.w, subscriberId: claims.s, changeId: claims.c } : undefined;
}
