// When the next batch request may start. Three sources, all respected at once:
//  - the limits the user declared (--rpm/--tpm, or the profile): token buckets, so aoai never
//    knowingly sends more than the deployment allows;
//  - what the service says on each answer (x-ratelimit-remaining-requests/-tokens): when it has
//    nothing left, no new request starts until it has refilled;
//  - 429s: the whole run pauses for the retry-after the service gave (or an exponential backoff),
//    and the number of requests in flight is halved, then grows back one at a time (as TCP does),
//    so an unknown limit is found without a storm of retries.
// Pure: the clock is injected, so every rule is unit-tested without waiting.
import { TokenBucket } from '../../core/token-bucket.ts';

export interface RateLimits {
  /** Requests per minute of the deployment. */
  rpm?: number | undefined;
  /** Tokens per minute of the deployment. */
  tpm?: number | undefined;
}

/**
 * How much of a minute's quota may go at once. Azure counts its per-minute limits over short
 * windows (1 or 10 seconds); one second's worth is safe under both.
 */
const BURST_SECONDS = 1;
/** A 429 with no retry-after waits this long the first time, doubling each time after. */
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 60_000;
/** When the service says its quota is used up, wait this long for it to refill before one probe. */
const EXHAUSTED_WAIT_MS = 1000;

/** Answers read within this long of each other describe the same moment of the service's quota. */
const SAME_MOMENT_MS = 100;

function lower(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

export interface Admission {
  /** 0: the request may start now (and was counted); otherwise ms to wait before asking again. */
  waitMs: number;
  /** Why it waits (for progress and tests). */
  reason?: 'paused' | 'window' | 'rpm' | 'tpm' | 'service';
}

export class RateLimiter {
  private readonly requests: TokenBucket | undefined;
  private readonly tokens: TokenBucket | undefined;
  private pausedUntil = 0;
  private consecutive429 = 0;
  /** In-flight requests allowed now: the --concurrency cap, halved on 429, grown back on success. */
  private window: number;
  private grow = 0;
  /** The service's last word on its quota, less what started since. */
  private service: { requests: number | undefined; tokens: number | undefined; at: number } | undefined;

  constructor(
    limits: RateLimits,
    private readonly maxInFlight: number,
    private readonly now: () => number = Date.now,
  ) {
    const start = now();
    if (limits.rpm) this.requests = new TokenBucket(limits.rpm, BURST_SECONDS, start);
    if (limits.tpm) this.tokens = new TokenBucket(limits.tpm, BURST_SECONDS, start);
    this.window = maxInFlight;
  }

  /** In-flight requests allowed now. */
  get allowedInFlight(): number {
    return this.window;
  }

  /** May a request estimated at `tokens` start now, with `inFlight` already running? */
  admit(tokens: number, inFlight: number): Admission {
    const now = this.now();
    if (now < this.pausedUntil) return { waitMs: this.pausedUntil - now, reason: 'paused' };
    // The caller waits for a request to finish, not for time.
    if (inFlight >= this.allowedInFlight) return { waitMs: Infinity, reason: 'window' };
    const service = this.service;
    if (service && ((service.requests !== undefined && service.requests < 1) || (service.tokens !== undefined && service.tokens < tokens))) {
      const probeAt = service.at + EXHAUSTED_WAIT_MS;
      // One probe at a time once it may have refilled; its answer brings fresh numbers.
      if (now < probeAt) return { waitMs: probeAt - now, reason: 'service' };
      if (inFlight > 0) return { waitMs: Infinity, reason: 'service' };
    }
    // Check both buckets before taking from either, so a refusal takes nothing.
    const requestWait = this.requests?.waitMs(1, now) ?? 0;
    const tokenWait = this.tokens?.waitMs(tokens, now) ?? 0;
    if (requestWait > 0 || tokenWait > 0) return requestWait >= tokenWait ? { waitMs: requestWait, reason: 'rpm' } : { waitMs: tokenWait, reason: 'tpm' };
    this.requests?.take(1, now);
    this.tokens?.take(tokens, now);
    if (service) {
      if (service.requests !== undefined) service.requests -= 1;
      if (service.tokens !== undefined) service.tokens -= tokens;
    }
    return { waitMs: 0 };
  }

  /**
   * The service's x-ratelimit-remaining-* on an answer. Requests still in flight were probably
   * counted after it, so they are taken off.
   */
  observe(remaining: { requests?: number | undefined; tokens?: number | undefined }, inFlight: number): void {
    if (remaining.requests === undefined && remaining.tokens === undefined) return;
    const now = this.now();
    const fresh = { requests: remaining.requests === undefined ? undefined : remaining.requests - inFlight, tokens: remaining.tokens };
    const known = this.service;
    // Answers are read a little out of order: one the service wrote earlier, when more was left,
    // must not undo what a later one said. Within a moment the lower count stands; a later answer
    // (the quota may have refilled since) replaces it.
    if (known && now - known.at < SAME_MOMENT_MS) {
      known.requests = lower(known.requests, fresh.requests);
      known.tokens = lower(known.tokens, fresh.tokens);
      return;
    }
    this.service = { ...fresh, at: now };
  }

  /** A request finished without a 429: the in-flight window grows back by one per window's worth. */
  succeeded(): void {
    this.consecutive429 = 0;
    if (this.window >= this.maxInFlight) return;
    this.grow += 1;
    if (this.grow >= this.window) {
      this.grow = 0;
      this.window = Math.min(this.maxInFlight, this.window + 1);
    }
  }

  /**
   * A 429: pause every request for what the service asked (or an exponential backoff), empty the
   * buckets, and halve the in-flight window. Returns the pause in ms.
   */
  rateLimited(retryAfterMs: number | undefined, inFlight: number): number {
    const now = this.now();
    this.consecutive429++;
    const pause = retryAfterMs ?? Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (this.consecutive429 - 1));
    // Answers to requests sent before the pause arrive during it; they do not extend it again.
    if (now + pause > this.pausedUntil) {
      this.pausedUntil = now + pause;
      this.window = Math.max(1, Math.floor(Math.min(this.window, inFlight + 1) / 2));
      this.grow = 0;
    }
    this.requests?.drain(now);
    this.tokens?.drain(now);
    return pause;
  }
}
