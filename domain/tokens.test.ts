import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  deriveSigningSecret,
  type Keyring,
  NoActiveSigningKeyError,
  newKid,
  powerOf,
  signToken,
  type TokenRequest,
  unverifiedWorkspaceId,
  verifyToken,
} from './tokens';

const ROOT = 'a'.repeat(64);
const NOW = new Date('2025-03-01T12:00:00Z');
const DAY = 86_400_000;
const workspaceId = randomUUID();
const otherWorkspaceId = randomUUID();
const subscriberId = randomUUID();
const categoryId = randomUUID();
const changeId = randomUUID();

function keyring(
  workspace: string,
  ...keys: [kid: string, status: Keyring[number]['status']][]
): Keyring {
  return keys.map(([kid, status]) => ({
    kid,
    status,
    secret: deriveSigningSecret(ROOT, workspace, kid),
  }));
}

const ring = keyring(workspaceId, ['k_active01', 'active']);
const subject = { workspaceId, subscriberId, categoryId, channel: 'sms' as const };
const requests = {
  unsubscribe: { ...subject, purpose: 'unsubscribe' },
  preferences: { ...subject, purpose: 'preferences', validForDays: 90 },
  undo: { ...subject, purpose: 'undo', changeId, validForMinutes: 60 },
} satisfies { [P in TokenRequest['purpose']]: Extract<TokenRequest, { purpose: P }> };

describe('signed link tokens', () => {
  it.each(Object.values(requests))('round-trips a $purpose token with its claims', (request) => {
    const token = signToken(ring, request, NOW);
    expect(token).toMatch(/^1\.k_active01\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    const result = verifyToken(ring, token, { workspaceId, purpose: request.purpose, now: NOW });
    expect(result).toMatchObject({
      ok: true,
      claims: {
        kid: 'k_active01',
        purpose: request.purpose,
        workspaceId,
        subscriberId,
        categoryId,
        channel: 'sms',
        changeId: request.purpose === 'undo' ? changeId : null,
        issuedAt: NOW,
      },
    });
  });

  it('keeps a token with category and channel short enough for SMS', () => {
    const token = signToken(ring, requests.preferences, NOW);
    expect(token.length).toBeLessThanOrEqual(130);
    const bare = signToken(ring, { workspaceId, subscriberId, purpose: 'unsubscribe' }, NOW);
    expect(bare.length).toBeLessThanOrEqual(100);
  });

  it('round-trips a token without category or channel', () => {
    const token = signToken(ring, { workspaceId, subscriberId, purpose: 'unsubscribe' }, NOW);
    const result = verifyToken(ring, token, { workspaceId, now: NOW });
    expect(result).toMatchObject({
      ok: true,
      claims: { categoryId: null, channel: null, expiresAt: null },
    });
  });

  it('gives every token its own jti', () => {
    const jtis = new Set(
      Array.from({ length: 50 }, () => {
        const result = verifyToken(ring, signToken(ring, requests.undo, NOW), {
          workspaceId,
          now: NOW,
        });
        return result.ok ? result.claims.jti : 'refused';
      }),
    );
    expect(jtis.size).toBe(50);
  });

  it('refuses a token with any single character changed, in every part', () => {
    for (const request of Object.values(requests)) {
      const token = signToken(ring, request, NOW);
      for (let i = 0; i < token.length; i++) {
        for (const replacement of ['A', 'B', 'z', '0', '-', '_', '.']) {
          if (token[i] === replacement) continue;
          const tampered = token.slice(0, i) + replacement + token.slice(i + 1);
          const result = verifyToken(ring, tampered, { workspaceId, now: NOW });
          expect(result.ok, `position ${i} -> ${replacement}`).toBe(false);
        }
      }
    }
  });

  it('refuses a token whose signature was swapped for another token of the same key', () => {
    const a = signToken(ring, requests.preferences, NOW).split('.');
    const b = signToken(ring, requests.unsubscribe, NOW).split('.');
    const spliced = [a[0], a[1], a[2], b[3]].join('.');
    expect(verifyToken(ring, spliced, { workspaceId, now: NOW })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it("refuses workspace A's token when verifying for workspace B", () => {
    const token = signToken(ring, requests.preferences, NOW);
    expect(verifyToken(ring, token, { workspaceId: otherWorkspaceId, now: NOW })).toEqual({
      ok: false,
      reason: 'wrong_workspace',
    });
  });

  it("cannot verify workspace A's token with workspace B's key, even under the same kid", () => {
    const token = signToken(ring, requests.preferences, NOW);
    const other = keyring(otherWorkspaceId, ['k_active01', 'active']);
    expect(verifyToken(other, token, { workspaceId, now: NOW })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(
      verifyToken(keyring(otherWorkspaceId, ['k_other001', 'active']), token, {
        workspaceId,
        now: NOW,
      }),
    ).toEqual({ ok: false, reason: 'unknown_key' });
  });

  it('refuses a token used for another purpose', () => {
    const token = signToken(ring, requests.unsubscribe, NOW);
    expect(verifyToken(ring, token, { workspaceId, purpose: 'preferences', now: NOW })).toEqual({
      ok: false,
      reason: 'wrong_purpose',
    });
    expect(
      verifyToken(ring, token, { workspaceId, purpose: ['unsubscribe', 'preferences'], now: NOW })
        .ok,
    ).toBe(true);
  });

  it('gives an unsubscribe token only the power to reduce consent', () => {
    expect(powerOf('unsubscribe')).toEqual({ canOptIn: false, reduceOnly: true, canUndo: false });
    expect(powerOf('preferences')).toEqual({ canOptIn: true, reduceOnly: false, canUndo: false });
    expect(powerOf('undo')).toEqual({ canOptIn: false, reduceOnly: true, canUndo: true });
  });

  it('keeps verifying with a rotated key while new tokens use the new key', () => {
    const old = signToken(ring, requests.preferences, NOW);
    const rotated = keyring(workspaceId, ['k_newkey01', 'active'], ['k_active01', 'verify_only']);
    expect(verifyToken(rotated, old, { workspaceId, now: NOW }).ok).toBe(true);
    const fresh = signToken(rotated, requests.preferences, NOW);
    expect(fresh.split('.')[1]).toBe('k_newkey01');
    expect(verifyToken(rotated, fresh, { workspaceId, now: NOW }).ok).toBe(true);
  });

  it('refuses a token signed with a revoked key', () => {
    const token = signToken(ring, requests.unsubscribe, NOW);
    const revoked = keyring(workspaceId, ['k_newkey01', 'active'], ['k_active01', 'revoked']);
    expect(verifyToken(revoked, token, { workspaceId, now: NOW })).toEqual({
      ok: false,
      reason: 'revoked_key',
    });
  });

  it('refuses to sign without an active key', () => {
    const retired = keyring(workspaceId, ['k_active01', 'verify_only'], ['k_old00001', 'revoked']);
    expect(() => signToken(retired, requests.unsubscribe, NOW)).toThrow(NoActiveSigningKeyError);
    expect(() => signToken([], requests.unsubscribe, NOW)).toThrow(NoActiveSigningKeyError);
  });

  it('expires a preferences token after its days, and accepts a fresh one', () => {
    const token = signToken(ring, { ...subject, purpose: 'preferences', validForDays: 30 }, NOW);
    const justBefore = new Date(NOW.getTime() + 30 * DAY - 1000);
    const at = new Date(NOW.getTime() + 30 * DAY);
    expect(verifyToken(ring, token, { workspaceId, now: justBefore }).ok).toBe(true);
    expect(verifyToken(ring, token, { workspaceId, now: at })).toEqual({
      ok: false,
      reason: 'expired',
    });
    const fresh = signToken(ring, { ...subject, purpose: 'preferences', validForDays: 30 }, at);
    expect(verifyToken(ring, fresh, { workspaceId, now: at }).ok).toBe(true);
  });

  it('never expires an unsubscribe token', () => {
    const token = signToken(ring, requests.unsubscribe, NOW);
    const years = new Date(NOW.getTime() + 20 * 365 * DAY);
    expect(verifyToken(ring, token, { workspaceId, now: years })).toMatchObject({
      ok: true,
      claims: { expiresAt: null },
    });
  });

  it('expires an undo token after its minutes', () => {
    const token = signToken(
      ring,
      { ...subject, purpose: 'undo', changeId, validForMinutes: 15 },
      NOW,
    );
    expect(
      verifyToken(ring, token, { workspaceId, now: new Date(NOW.getTime() + 14 * 60_000) }).ok,
    ).toBe(true);
    expect(
      verifyToken(ring, token, { workspaceId, now: new Date(NOW.getTime() + 15 * 60_000) }),
    ).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses to sign bad requests', () => {
    expect(() => signToken(ring, { ...requests.undo, changeId: '' }, NOW)).toThrow();
    expect(() =>
      signToken(ring, { ...subject, workspaceId: 'acme', purpose: 'unsubscribe' }, NOW),
    ).toThrow();
    expect(() =>
      signToken(ring, { ...subject, purpose: 'preferences', validForDays: 0 }, NOW),
    ).toThrow();
    const stray = { ...requests.unsubscribe, changeId } as TokenRequest;
    expect(() => signToken(ring, stray, NOW)).toThrow();
  });

  it('refuses malformed input without throwing', () => {
    const token = signToken(ring, requests.undo, NOW);
    const [version, kid, payload, sig] = token.split('.') as [string, string, string, string];
    const inputs: (string | null | undefined)[] = [
      '',
      null,
      undefined,
      'garbage',
      '....',
      '1.k_active01',
      `${version}.${kid}.${payload}`,
      `${token}.extra`,
      `2.${kid}.${payload}.${sig}`,
      `${version}.${kid}.${payload}==.${sig}`,
      `${version}.${kid}.${payload.slice(0, 10)}.${sig}`,
      `${version}.${kid}.${payload}.${sig.slice(0, 20)}`,
      `${version}.k/bad.${payload}.${sig}`,
      `${version}.${kid}.${payload}.${sig}`.replace(kid, 'x'.repeat(300)),
      token.repeat(100),
      'a'.repeat(100_000),
      '1.k_active01.\u0000\u0000.\u0000',
      `${version}.${kid}.${Buffer.alloc(83).toString('base64url')}.${sig}`,
    ];
    for (const input of inputs) {
      expect(() => verifyToken(ring, input, { workspaceId, now: NOW })).not.toThrow();
      expect(verifyToken(ring, input, { workspaceId, now: NOW })).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
    expect(
      verifyToken(ring, `${version}.k_unknown1.${payload}.${sig}`, { workspaceId, now: NOW }),
    ).toEqual({
      ok: false,
      reason: 'unknown_key',
    });
  });

  it('reads the workspace of a token only to choose a keyring', () => {
    expect(unverifiedWorkspaceId(signToken(ring, requests.unsubscribe, NOW))).toBe(workspaceId);
    expect(unverifiedWorkspaceId('garbage')).toBeNull();
  });

  it('makes short url-safe key ids', () => {
    const kid = newKid();
    expect(kid).toMatch(/^k_[A-Za-z0-9_-]{8}$/);
    expect(newKid()).not.toBe(kid);
  });

  it('derives a different secret per workspace and per key', () => {
    const a = deriveSigningSecret(ROOT, workspaceId, 'k_1');
    expect(a).toHaveLength(32);
    expect(a.equals(deriveSigningSecret(ROOT, otherWorkspaceId, 'k_1'))).toBe(false);
    expect(a.equals(deriveSigningSecret(ROOT, workspaceId, 'k_2'))).toBe(false);
    expect(a.equals(deriveSigningSecret('b'.repeat(64), workspaceId, 'k_1'))).toBe(false);
  });
});
