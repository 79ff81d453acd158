import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed links (DESIGN.md rule 4): what a subscriber's link may do, bound to one workspace and
 * one subscriber, signed with a workspace key named by its key id so keys can rotate while old
 * mail keeps working.
 *
 * Format, version 1: `1.<kid>.<payload>.<tag>`, each part base64url without padding; the tag is
 * HMAC-SHA256 over the text `1.<kid>.<payload>`, truncated to 128 bits. Links travel in SMS, so
 * the payload is binary rather than JSON:
 *
 *   byte 0   bits 0-1 purpose (1 unsubscribe, 2 preferences, 3 undo), bits 2-4 channel
 *            (0 none, then TOKEN_CHANNELS order from 1), bit 5 category present, bits 6-7 zero
 *   16       workspace id          16  subscriber id
 *   16       category id           (only with bit 5)
 *   16       change id             (undo only)
 *   4        issued at, unix seconds, big-endian
 *   4        expires at            (preferences and undo only; unsubscribe never expires)
 *   9        jti, random
 */

export const TOKEN_VERSION = '1';
export const TOKEN_PURPOSES = ['unsubscribe', 'preferences', 'undo'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];
/**
 * The wire codes are positions in this list, kept here rather than taken from the schema's
 * CHANNELS, so reordering that list can never change what an already-sent link means.
 */
export const TOKEN_CHANNELS = ['email', 'sms', 'whatsapp', 'push'] as const;
export type TokenChannel = (typeof TOKEN_CHANNELS)[number];

export type SigningKeyStatus = 'active' | 'verify_only' | 'revoked';
export type KeyringEntry = { kid: string; status: SigningKeyStatus; secret: Buffer };
/** A workspace's keys. `signToken` uses the first active one, so list the newest first. */
export type Keyring = readonly KeyringEntry[];

export type TokenSubject = {
  workspaceId: string;
  subscriberId: string;
  /** Without a category, an unsubscribe link covers every marketing category. */
  categoryId?: string | null;
  channel?: TokenChannel | null;
};

export type TokenRequest =
  | (TokenSubject & { purpose: 'unsubscribe' })
  | (TokenSubject & { purpose: 'preferences'; validForDays: number })
  | (TokenSubject & { purpose: 'undo'; changeId: string; validForMinutes: number });

export type TokenClaims = {
  kid: string;
  purpose: TokenPurpose;
  workspaceId: string;
  subscriberId: string;
  categoryId: string | null;
  channel: TokenChannel | null;
  /** The consent change an undo token restores; null for the other purposes. */
  changeId: string | null;
  issuedAt: Date;
  expiresAt: Date | null;
  /** Names this token in evidence, and spends an undo token once. */
  jti: string;
};

export type VerifyFailure =
  | 'malformed'
  | 'unknown_key'
  | 'revoked_key'
  | 'bad_signature'
  | 'expired'
  | 'wrong_workspace'
  | 'wrong_purpose';

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: VerifyFailure };

export type VerifyExpectation = {
  workspaceId: string;
  /** One purpose, or several when a page accepts either (the reduce-only view). */
  purpose?: TokenPurpose | readonly TokenPurpose[];
  now?: Date;
};

export type TokenPower = {
  /** May subscribe or widen consent. */
  canOptIn: boolean;
  /** What the one door's `reduceOnly` flag must be for changes made with this token. */
  reduceOnly: boolean;
  /** May restore the state before the change the token is bound to, and nothing else. */
  canUndo: boolean;
};

export class NoActiveSigningKeyError extends Error {
  constructor() {
    super('The workspace has no active signing key');
  }
}

/**
 * Rule 4: an unsubscribe link can only reduce; the "manage preferences" link can opt in too; an
 * undo link restores exactly the state before its change, so it grants no general opt-in.
 */
export function powerOf(purpose: TokenPurpose): TokenPower {
  switch (purpose) {
    case 'unsubscribe':
      return { canOptIn: false, reduceOnly: true, canUndo: false };
    case 'preferences':
      return { canOptIn: true, reduceOnly: false, canUndo: false };
    case 'undo':
      return { canOptIn: false, reduceOnly: true, canUndo: true };
  }
}

/**
 * Each key's secret is derived from the root secret, the workspace and the key id, so nothing
 * secret is stored and one workspace's key can never verify another's links.
 */
export function deriveSigningSecret(rootSecret: string, workspaceId: string, kid: string): Buffer {
  return createHmac('sha256', rootSecret)
    .update(`dial-link-key|${workspaceId.toLowerCase()}|${kid}`)
    .digest();
}

export function newKid(): string {
  return `k_${randomBytes(6).toString('base64url')}`;
}

export function signToken(keyring: Keyring, request: TokenRequest, now: Date = new Date()): string {
  const key = keyring.find((k) => k.status === 'active');
  if (!key) throw new NoActiveSigningKeyError();
  if (!KID.test(key.kid)) throw new TypeError(`Invalid key id: ${key.kid}`);
  if (key.secret.length < 32) throw new TypeError('Signing secret is shorter than 32 bytes');

  const issuedAt = Math.floor(now.getTime() / 1000);
  let expiresAt: number | null = null;
  let changeId: string | null = null;
  switch (request.purpose) {
    case 'unsubscribe':
      break;
    case 'preferences':
      expiresAt = issuedAt + lifetime(request.validForDays, 86_400, 'validForDays');
      break;
    case 'undo':
      expiresAt = issuedAt + lifetime(request.validForMinutes, 60, 'validForMinutes');
      changeId = request.changeId;
      break;
  }
  // Only an undo token is bound to a change; anywhere else a change id would be a caller's bug.
  const stray = (request as { changeId?: unknown }).changeId;
  if (request.purpose !== 'undo' && stray !== undefined && stray !== null) {
    throw new TypeError(`A ${request.purpose} token carries no changeId`);
  }
  if (!isUint32(issuedAt) || (expiresAt !== null && !isUint32(expiresAt))) {
    throw new RangeError('Token time outside 1970-2106');
  }

  const payload = encodePayload({
    purpose: request.purpose,
    workspaceId: request.workspaceId,
    subscriberId: request.subscriberId,
    categoryId: request.categoryId ?? null,
    channel: request.channel ?? null,
    changeId,
    issuedAt,
    expiresAt,
    jti: randomBytes(JTI_BYTES),
  });
  const signed = `${TOKEN_VERSION}.${key.kid}.${payload.toString('base64url')}`;
  return `${signed}.${tag(key.secret, signed).toString('base64url')}`;
}

/** Never throws: anything that is not a valid token for `expected` is a refusal with a reason. */
export function verifyToken(
  keyring: Keyring,
  token: string | null | undefined,
  expected: VerifyExpectation,
): VerifyResult {
  const parsed = parse(token);
  if (!parsed) return refuse('malformed');
  const key = keyring.find((k) => k.kid === parsed.kid);
  if (!key) return refuse('unknown_key');
  const wanted = tag(key.secret, parsed.signed);
  if (parsed.tag.length !== wanted.length || !timingSafeEqual(parsed.tag, wanted)) {
    return refuse('bad_signature');
  }
  // Checked after the signature, so the reason means "a genuine link under a compromised key"
  // and the page can offer a fresh link rather than call it forged.
  if (key.status !== 'active' && key.status !== 'verify_only') return refuse('revoked_key');

  const { claims } = parsed;
  if (claims.workspaceId !== expected.workspaceId.toLowerCase()) return refuse('wrong_workspace');
  if (expected.purpose !== undefined) {
    const allowed: readonly TokenPurpose[] =
      typeof expected.purpose === 'string' ? [expected.purpose] : expected.purpose;
    if (!allowed.includes(claims.purpose)) return refuse('wrong_purpose');
  }
  const now = expected.now ?? new Date();
  if (claims.expiresAt && now.getTime() >= claims.expiresAt.getTime()) return refuse('expired');
  return { ok: true, claims };
}

/**
 * The workspace a token names, WITHOUT checking its signature: only for choosing which keyring to
 * verify it with. Never trust anything else on this answer.
 */
export function unverifiedWorkspaceId(token: string | null | undefined): string | null {
  return parse(token)?.claims.workspaceId ?? null;
}

// --- internals ------------------------------------------------------------------------------

const TAG_BYTES = 16;
const JTI_BYTES = 9;
const UUID_BYTES = 16;
/** Longer than any token this module writes; refused before any decoding work. */
const MAX_TOKEN_LENGTH = 256;
const KID = /^[A-Za-z0-9_-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const PURPOSE_CODE: Record<TokenPurpose, number> = { unsubscribe: 1, preferences: 2, undo: 3 };
const CATEGORY_BIT = 0b0010_0000;
const RESERVED_BITS = 0b1100_0000;

type PayloadFields = {
  purpose: TokenPurpose;
  workspaceId: string;
  subscriberId: string;
  categoryId: string | null;
  channel: TokenChannel | null;
  changeId: string | null;
  issuedAt: number;
  expiresAt: number | null;
  jti: Buffer;
};

function refuse(reason: VerifyFailure): VerifyResult {
  return { ok: false, reason };
}

function tag(secret: Buffer, signed: string): Buffer {
  return createHmac('sha256', secret).update(signed).digest().subarray(0, TAG_BYTES);
}

function lifetime(units: number, seconds: number, name: string): number {
  if (!Number.isFinite(units) || units <= 0) throw new RangeError(`${name} must be positive`);
  return Math.max(1, Math.round(units * seconds));
}

function isUint32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff;
}

function hasExpiry(purpose: TokenPurpose): boolean {
  return purpose !== 'unsubscribe';
}

function payloadLength(purpose: TokenPurpose, hasCategory: boolean): number {
  return (
    1 +
    2 * UUID_BYTES +
    (hasCategory ? UUID_BYTES : 0) +
    (purpose === 'undo' ? UUID_BYTES : 0) +
    4 +
    (hasExpiry(purpose) ? 4 : 0) +
    JTI_BYTES
  );
}

function encodePayload(f: PayloadFields): Buffer {
  if (f.purpose === 'undo' && f.changeId === null)
    throw new TypeError('An undo token needs a changeId');
  const channelCode = f.channel === null ? 0 : TOKEN_CHANNELS.indexOf(f.channel) + 1;
  if (f.channel !== null && channelCode === 0) {
    throw new TypeError(`Unknown channel: ${f.channel}`);
  }
  const out = Buffer.alloc(payloadLength(f.purpose, f.categoryId !== null));
  out.writeUInt8(
    PURPOSE_CODE[f.purpose] | (channelCode << 2) | (f.categoryId !== null ? CATEGORY_BIT : 0),
    0,
  );
  let at = 1;
  const put = (id: string) => {
    at += uuidBytes(id).copy(out, at);
  };
  put(f.workspaceId);
  put(f.subscriberId);
  if (f.categoryId !== null) put(f.categoryId);
  if (f.changeId !== null) put(f.changeId);
  at = out.writeUInt32BE(f.issuedAt, at);
  if (f.expiresAt !== null) at = out.writeUInt32BE(f.expiresAt, at);
  f.jti.copy(out, at);
  return out;
}

function decodePayload(bytes: Buffer, kid: string): TokenClaims | null {
  if (bytes.length < 1) return null;
  const head = bytes.readUInt8(0);
  const purpose = TOKEN_PURPOSES.find((p) => PURPOSE_CODE[p] === (head & 0b11));
  if (!purpose || (head & RESERVED_BITS) !== 0) return null;
  const channelCode = (head >> 2) & 0b111;
  const channel = channelCode === 0 ? null : TOKEN_CHANNELS[channelCode - 1];
  if (channel === undefined) return null;
  const hasCategory = (head & CATEGORY_BIT) !== 0;
  if (bytes.length !== payloadLength(purpose, hasCategory)) return null;

  let at = 1;
  const take = () => {
    const id = uuidText(bytes.subarray(at, at + UUID_BYTES));
    at += UUID_BYTES;
    return id;
  };
  const workspaceId = take();
  const subscriberId = take();
  const categoryId = hasCategory ? take() : null;
  const changeId = purpose === 'undo' ? take() : null;
  const issuedAt = bytes.readUInt32BE(at);
  at += 4;
  let expiresAt: number | null = null;
  if (hasExpiry(purpose)) {
    expiresAt = bytes.readUInt32BE(at);
    at += 4;
    if (expiresAt <= issuedAt) return null;
  }
  const jti = bytes.subarray(at, at + JTI_BYTES).toString('base64url');
  return {
    kid,
    purpose,
    workspaceId,
    subscriberId,
    categoryId,
    channel,
    changeId,
    issuedAt: new Date(issuedAt * 1000),
    expiresAt: expiresAt === null ? null : new Date(expiresAt * 1000),
    jti,
  };
}

type Parsed = { kid: string; signed: string; tag: Buffer; claims: TokenClaims };

function parse(token: string | null | undefined): Parsed | null {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    return null;
  }
  const parts = token.split('.');
  if (parts.length !== 4) return null;
  const [version, kid, payloadText, tagText] = parts as [string, string, string, string];
  if (version !== TOKEN_VERSION || !KID.test(kid)) return null;
  const payload = strictBase64url(payloadText);
  const tagBytes = strictBase64url(tagText);
  if (!payload || !tagBytes || tagBytes.length !== TAG_BYTES) return null;
  const claims = decodePayload(payload, kid);
  if (!claims) return null;
  return { kid, signed: `${version}.${kid}.${payloadText}`, tag: tagBytes, claims };
}

/**
 * Node's decoder skips characters it does not know and ignores the spare bits of the last one,
 * so two texts could decode to the same tag; only the canonical text is accepted.
 */
function strictBase64url(text: string): Buffer | null {
  if (text.length === 0 || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

function uuidBytes(id: string): Buffer {
  if (!UUID.test(id)) throw new TypeError(`Not a uuid: ${id}`);
  return Buffer.from(id.replaceAll('-', ''), 'hex');
}

function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
