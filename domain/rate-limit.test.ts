import { beforeEach, describe, expect, it } from 'vitest';
import { hit, MAX_RATE_LIMIT_KEYS, rateLimitKeyCount, resetRateLimits } from './rate-limit';

const MINUTE = 60_000;
const T0 = Date.UTC(2030, 0, 1);

beforeEach(() => resetRateLimits());

describe('hit', () => {
  it('allows `limit` hits in a window, then refuses with the wait until the oldest leaves', () => {
    expect(hit('k', 3, 60 * MINUTE, T0)).toEqual({ allowed: true, retryAfterSeconds: 0 });
    expect(hit('k', 3, 60 * MINUTE, T0 + 10 * MINUTE).allowed).toBe(true);
    expect(hit('k', 3, 60 * MINUTE, T0 + 20 * MINUTE).allowed).toBe(true);
    expect(hit('k', 3, 60 * MINUTE, T0 + 30 * MINUTE)).toEqual({
      allowed: false,
      retryAfterSeconds: 30 * 60,
    });
    // The window slides: the first hit leaves at T0 + 60 min, the second 10 minutes later.
    expect(hit('k', 3, 60 * MINUTE, T0 + 60 * MINUTE - 1).allowed).toBe(false);
    expect(hit('k', 3, 60 * MINUTE, T0 + 60 * MINUTE).allowed).toBe(true);
    expect(hit('k', 3, 60 * MINUTE, T0 + 61 * MINUTE)).toEqual({
      allowed: false,
      retryAfterSeconds: 9 * 60,
    });
  });

  it('has no burst at a window boundary: never more than `limit` in any window', () => {
    const times = [59, 59.5, 60, 60.5, 61, 119, 119.9, 120, 125].map((m) => T0 + m * MINUTE);
    const allowed = times.filter((t) => hit('edge', 2, 60 * MINUTE, t).allowed);
    for (const t of allowed) {
      expect(allowed.filter((u) => u > t - 60 * MINUTE && u <= t).length).toBeLessThanOrEqual(2);
    }
    expect(allowed.map((t) => (t - T0) / MINUTE)).toEqual([59, 59.5, 119, 119.9]);
  });

  it('does not count refused hits, so hammering does not push the wait back', () => {
    hit('h', 1, MINUTE, T0);
    for (let s = 1; s < 60; s++) expect(hit('h', 1, MINUTE, T0 + s * 1000).allowed).toBe(false);
    expect(hit('h', 1, MINUTE, T0 + MINUTE).allowed).toBe(true);
  });

  it('rounds the wait up to whole seconds, at least one', () => {
    hit('r', 1, 1500, T0);
    expect(hit('r', 1, 1500, T0 + 1).retryAfterSeconds).toBe(2);
    expect(hit('r', 1, 1500, T0 + 1499).retryAfterSeconds).toBe(1);
  });

  it('keeps keys apart', () => {
    expect(hit('a', 1, MINUTE, T0).allowed).toBe(true);
    expect(hit('b', 1, MINUTE, T0).allowed).toBe(true);
    expect(hit('a', 1, MINUTE, T0).allowed).toBe(false);
  });

  it('refuses a limit or window that makes no sense', () => {
    expect(() => hit('x', 0, MINUTE)).toThrow(RangeError);
    expect(() => hit('x', 1.5, MINUTE)).toThrow(RangeError);
    expect(() => hit('x', 1, 0)).toThrow(RangeError);
    expect(() => hit('x', 1, Number.NaN)).toThrow(RangeError);
  });

  it('keeps at most MAX_RATE_LIMIT_KEYS keys, forgetting the least recently hit', () => {
    hit('victim', 1, 60 * MINUTE, T0);
    hit('busy', 1, 60 * MINUTE, T0);
    for (let i = 0; i < MAX_RATE_LIMIT_KEYS; i++) {
      if (i % 1000 === 0) hit('busy', 1, 60 * MINUTE, T0 + i); // refused, but still recent
      hit(`flood-${i}`, 1, 60 * MINUTE, T0 + i);
    }
    expect(rateLimitKeyCount()).toBe(MAX_RATE_LIMIT_KEYS);
    // `victim` was forgotten (a fresh budget), `busy` was hit lately and still counts.
    expect(hit('victim', 1, 60 * MINUTE, T0 + MAX_RATE_LIMIT_KEYS).allowed).toBe(true);
    expect(hit('busy', 1, 60 * MINUTE, T0 + MAX_RATE_LIMIT_KEYS).allowed).toBe(false);
  });

  it('lives on globalThis, so every copy of the module in the process shares it', () => {
    hit('shared', 1, MINUTE, T0);
    const holder = globalThis as unknown as Record<symbol, Map<string, number[]>>;
    expect(holder[Symbol.for('dial.rateLimits')]?.has('shared')).toBe(true);
    resetRateLimits();
    expect(rateLimitKeyCount()).toBe(0);
  });
});
