/**
 * Sliding-window rate limits, kept in this process's memory: at most `limit` hits in any
 * `windowMs`. Each key remembers the times of its last `limit` allowed hits, which is all the
 * decision needs, so the answer is exact (no burst at a window boundary) and a key costs at
 * most `limit` numbers. Refused hits are not recorded: hammering does not push the wait back.
 *
 * Per process: with several instances each counts on its own, so the effective limit is the
 * limit times the number of instances. That is enough to stop one client from flooding, which
 * is what these limits are for; they are not quotas.
 */

export type RateLimitAnswer = { allowed: boolean; retryAfterSeconds: number };

/** Past this many keys the least recently hit are forgotten, so memory stays bounded. */
export const MAX_RATE_LIMIT_KEYS = 10_000;

// On globalThis so every module graph in the process (Next's layers, a custom server) counts in
// the same place.
const STORE = Symbol.for('dial.rateLimits');
type Holder = { [STORE]?: Map<string, number[]> };

function store(): Map<string, number[]> {
  const holder = globalThis as Holder;
  holder[STORE] ??= new Map();
  return holder[STORE];
}

/**
 * Counts one hit on `key` if it is allowed. When refused, `retryAfterSeconds` (at least 1) is
 * when the oldest hit in the window leaves it; when allowed it is 0.
 */
export function hit(
  key: string,
  limit: number,
  windowMs: number,
  now = Date.now(),
): RateLimitAnswer {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
  const entries = store();
  // The times of the key's recent allowed hits, oldest first.
  const hits = entries.get(key) ?? [];
  const since = now - windowMs;
  let expired = 0;
  while (expired < hits.length && (hits[expired] as number) <= since) expired++;
  if (expired > 0) hits.splice(0, expired);

  // Map order is the recency order: move the key to the end.
  entries.delete(key);
  let answer: RateLimitAnswer;
  if (hits.length >= limit) {
    const oldest = hits[hits.length - limit] as number;
    answer = {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)),
    };
  } else {
    insertSorted(hits, now);
    answer = { allowed: true, retryAfterSeconds: 0 };
  }
  // Only the last `limit` hits decide, whatever limit an earlier caller used for this key.
  if (hits.length > limit) hits.splice(0, hits.length - limit);
  entries.set(key, hits);
  evict(entries);
  return answer;
}

/** Clocks given by callers may step back; keep the times in order anyway. */
function insertSorted(hits: number[], at: number): void {
  let i = hits.length;
  while (i > 0 && (hits[i - 1] as number) > at) i--;
  hits.splice(i, 0, at);
}

/**
 * Forgets the least recently hit keys past MAX_RATE_LIMIT_KEYS; those are mostly keys whose
 * window has long passed. Forgetting a live key gives it a fresh budget, but winning back a few
 * hits that way takes MAX_RATE_LIMIT_KEYS fresh keys (addresses, networks) in a short time.
 */
function evict(entries: Map<string, number[]>): void {
  while (entries.size > MAX_RATE_LIMIT_KEYS) {
    const oldest = entries.keys().next();
    if (oldest.done) return;
    entries.delete(oldest.value);
  }
}

/** How many keys are remembered (for tests and diagnostics). */
export function rateLimitKeyCount(): number {
  return store().size;
}

/** Forgets every count. For tests. */
export function resetRateLimits(): void {
  store().clear();
}

/**
 * A token bucket, for limits too high to count hit by hit (API keys: thousands a second): a
 * key holds up to `capacity` tokens, refilled evenly over `periodMs`; each request takes one.
 */
const BUCKETS = Symbol.for('dial.tokenBuckets');
type BucketHolder = { [BUCKETS]?: Map<string, { tokens: number; at: number }> };

export function takeToken(
  key: string,
  capacity: number,
  periodMs: number,
  now = Date.now(),
): RateLimitAnswer {
  const holder = globalThis as BucketHolder;
  holder[BUCKETS] ??= new Map();
  const buckets = holder[BUCKETS];
  const perMs = capacity / periodMs;
  const bucket = buckets.get(key) ?? { tokens: capacity, at: now };
  bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * perMs);
  bucket.at = now;
  if (buckets.size > MAX_RATE_LIMIT_KEYS && !buckets.has(key)) {
    const oldest = buckets.keys().next().value;
    if (oldest !== undefined) buckets.delete(oldest);
  }
  buckets.set(key, bucket);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return { allowed: true, retryAfterSeconds: 0 };
  }
  return {
    allowed: false,
    retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)),
  };
}

export function resetTokenBuckets(): void {
  (globalThis as BucketHolder)[BUCKETS]?.clear();
}

export type OverLimit = { status: 'rate_limited'; retryAfterSeconds: number };

/**
 * `hit` for a request a rule limits: undefined when it may go, else the answer it gets. Chain
 * several rules with `??`: the first one over its limit answers.
 */
export function overLimit(
  key: string,
  rule: { limit: number; windowMs: number },
  now: number,
): OverLimit | undefined {
  const answer = hit(key, rule.limit, rule.windowMs, now);
  return answer.allowed
    ? undefined
    : { status: 'rate_limited', retryAfterSeconds: answer.retryAfterSeconds };
}
