import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/batch/online/limiter.ts';
import { TokenBucket } from '../../src/core/token-bucket.ts';
import { parseRateLimit, SimulatedQuota, quotaExceededAnswer } from '../../src/emulator/rate-limits.ts';
import { estimateRequestTokens, DEFAULT_OUTPUT_TOKEN_ESTIMATE } from '../../src/request/token-estimate.ts';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** Admit as many requests as the limiter allows over `ms`, stepping the clock 1 ms at a time. */
function admittedOver(limiter: RateLimiter, c: ReturnType<typeof clock>, ms: number, tokens = 10): number {
  let admitted = 0;
  for (let t = 0; t < ms; t++) {
    while (limiter.admit(tokens, 0).waitMs === 0) admitted++;
    c.advance(1);
  }
  return admitted;
}

describe('token bucket', () => {
  it('starts full, refills at the rate, and says how long until an amount fits', () => {
    const bucket = new TokenBucket(600, 1, 0); // 10 a second, 10 at once
    for (let i = 0; i < 10; i++) expect(bucket.take(1, 0)).toBe(0);
    expect(bucket.take(1, 0)).toBe(100);
    expect(bucket.take(1, 100)).toBe(0);
  });

  it('lets a request bigger than the bucket go once it is full, then owes the rest', () => {
    const bucket = new TokenBucket(60, 1, 0); // capacity 1
    expect(bucket.take(5, 0)).toBe(0);
    expect(bucket.waitMs(1, 0)).toBe(5000);
  });
});

describe('batch rate limiter', () => {
  it('never admits more than the declared rpm over any minute', () => {
    const c = clock();
    const limiter = new RateLimiter({ rpm: 6000 }, 1000, c.now);
    // One second's worth at once, then the rate: 100 + 60 s × 100/s over a minute.
    expect(admittedOver(limiter, c, 60_000)).toBeLessThanOrEqual(6000 + 100);
    expect(admittedOver(limiter, c, 60_000)).toBeGreaterThanOrEqual(5990);
  });

  it('respects tpm with the token estimate, and the tighter of the two limits binds', () => {
    const c = clock();
    const limiter = new RateLimiter({ rpm: 6000, tpm: 60_000 }, 1000, c.now);
    // 60,000 tokens a minute at 100 tokens a request: 600 requests, not 6000.
    const admitted = admittedOver(limiter, c, 60_000, 100);
    expect(admitted).toBeGreaterThanOrEqual(590);
    expect(admitted).toBeLessThanOrEqual(610);
    limiter.admit(100, 0);
    expect(limiter.admit(100, 0).reason).toBe('tpm');
  });

  it('caps requests in flight at the concurrency', () => {
    const limiter = new RateLimiter({}, 3, clock().now);
    expect(limiter.admit(1, 2).waitMs).toBe(0);
    expect(limiter.admit(1, 3)).toEqual({ waitMs: Infinity, reason: 'window' });
  });

  it('on a 429 pauses every request for the retry-after, halves the window, then grows it back', () => {
    const c = clock();
    const limiter = new RateLimiter({}, 40, c.now);
    expect(limiter.rateLimited(2000, 20)).toBe(2000);
    expect(limiter.admit(1, 0)).toEqual({ waitMs: 2000, reason: 'paused' });
    // A second 429 from a request sent before the pause does not extend it.
    c.advance(500);
    limiter.rateLimited(1000, 19);
    expect(limiter.admit(1, 0).waitMs).toBe(1500);
    c.advance(1500);
    expect(limiter.allowedInFlight).toBe(10);
    expect(limiter.admit(1, 0).waitMs).toBe(0);
    for (let i = 0; i < 10; i++) limiter.succeeded();
    expect(limiter.allowedInFlight).toBe(11);
  });

  it('without a retry-after, backs off exponentially while 429s keep coming', () => {
    const c = clock();
    const limiter = new RateLimiter({}, 10, c.now);
    const pauses = [1, 2, 3, 4].map(() => {
      const pause = limiter.rateLimited(undefined, 0);
      c.advance(pause);
      return pause;
    });
    expect(pauses).toEqual([1000, 2000, 4000, 8000]);
    limiter.succeeded();
    expect(limiter.rateLimited(undefined, 0)).toBe(1000);
  });

  it('empties its buckets on a 429, so it does not burst straight back into the limit', () => {
    const c = clock();
    const limiter = new RateLimiter({ rpm: 600 }, 100, c.now);
    limiter.rateLimited(1000, 0);
    c.advance(1000);
    // After the pause: what refilled during it (10), not a full bucket plus that.
    expect(admittedOver(limiter, c, 1)).toBeLessThanOrEqual(10);
  });

  it('stops when the service says its quota is used up, then sends one probe at a time', () => {
    const c = clock();
    const limiter = new RateLimiter({}, 50, c.now);
    limiter.observe({ requests: 2 }, 0);
    expect(limiter.admit(1, 0).waitMs).toBe(0);
    expect(limiter.admit(1, 1).waitMs).toBe(0);
    expect(limiter.admit(1, 2)).toMatchObject({ reason: 'service' });
    c.advance(1000);
    expect(limiter.admit(1, 1)).toEqual({ waitMs: Infinity, reason: 'service' });
    expect(limiter.admit(1, 0).waitMs).toBe(0);
    limiter.observe({ requests: 100, tokens: 5 }, 0);
    expect(limiter.admit(10, 0)).toMatchObject({ reason: 'service' });
    expect(limiter.admit(5, 0).waitMs).toBe(0);
  });

  it('an answer read late (written when more was left) does not undo a later, lower count; a later moment replaces it', () => {
    const c = clock();
    const limiter = new RateLimiter({}, 50, c.now);
    limiter.observe({ requests: 3 }, 0);
    c.advance(5);
    // Written earlier by the service, read now: the lower count of the same moment stands.
    limiter.observe({ requests: 40 }, 0);
    expect(admittedOver(limiter, c, 1)).toBe(3);
    // A second later the quota may have refilled: the next answer's count is taken as it is.
    c.advance(1000);
    limiter.observe({ requests: 40 }, 0);
    expect(admittedOver(limiter, c, 1)).toBe(40);
  });
});

describe('token estimate', () => {
  it('counts input characters / 4 plus max_output_tokens, or a default', () => {
    expect(estimateRequestTokens({ input: 'x'.repeat(40), max_output_tokens: 16 })).toBe(26);
    expect(estimateRequestTokens({ input: 'abcd', instructions: 'abcd' })).toBe(2 + DEFAULT_OUTPUT_TOKEN_ESTIMATE);
  });
});

describe('emulator simulated quota', () => {
  it('parses default and per-deployment specs, and refuses nonsense', () => {
    expect(parseRateLimit('rpm=6000,tpm=1000000')).toEqual({ deployment: undefined, quota: { rpm: 6000, tpm: 1_000_000 } });
    expect(parseRateLimit('gpt-4.1:rpm=60')).toEqual({ deployment: 'gpt-4.1', quota: { rpm: 60 } });
    expect(() => parseRateLimit('rpm=fast')).toThrow(/whole number/);
    expect(() => parseRateLimit('qps=3')).toThrow(/unknown 'qps'/);
    expect(() => parseRateLimit('gpt-4.1:')).toThrow(/give rpm=N/);
  });

  it('charges each deployment its own 10-second bucket, reports what remains, and answers 429 with retry-after-ms', () => {
    const c = clock();
    const quota = new SimulatedQuota(['rpm=60', 'big:rpm=6000'], c.now);
    const body = { input: 'hi', max_output_tokens: 10 };
    const first = quota.admit('small', body);
    expect(first).toEqual({ allowed: true, headers: { 'x-ratelimit-remaining-requests': '9' } });
    for (let i = 0; i < 9; i++) expect(quota.admit('small', body).allowed).toBe(true);
    const refused = quota.admit('small', body);
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 1000, limit: 'requests', headers: { 'x-ratelimit-remaining-requests': '0' } });
    if (refused.allowed) throw new Error('unreachable');
    const answer = quotaExceededAnswer(refused);
    expect(answer.headers).toMatchObject({ 'retry-after': '1', 'retry-after-ms': '1000' });
    expect(quota.admit('big', body).allowed).toBe(true);
    c.advance(1000);
    expect(quota.admit('small', body).allowed).toBe(true);
    const unlimited = new SimulatedQuota(['other:rpm=1'], c.now);
    expect(unlimited.admit('gpt-4.1', body)).toEqual({ allowed: true, headers: {} });
  });

  it('counts tokens as the estimate of input plus max_output_tokens', () => {
    const c = clock();
    const quota = new SimulatedQuota(['tpm=600'], c.now); // 100 tokens per 10 s
    expect(quota.admit('d', { input: 'x'.repeat(40), max_output_tokens: 40 })).toEqual({ allowed: true, headers: { 'x-ratelimit-remaining-tokens': '50' } });
    expect(quota.admit('d', { input: 'x'.repeat(40), max_output_tokens: 50 })).toMatchObject({ allowed: false, limit: 'tokens', retryAfterMs: 1000 });
  });
});
