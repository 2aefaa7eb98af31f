// Simulated online quota: requests and tokens per minute per deployment, as a standard Azure
// deployment has. Each create request is charged one request and its estimated tokens (input plus
// max_output_tokens, as Azure estimates at admission); answers carry x-ratelimit-remaining-requests
// and -tokens, and a request over the quota gets 429 with retry-after-ms saying when it would fit.
// Azure counts per-minute limits over 10-second windows, so a bucket holds 10 seconds of quota.
// The clock is injected: tests drive it exactly.
//
// Spec syntax (aoai emulate --rate-limit, EmulatorOptions.rateLimits):
//   rpm=6000,tpm=1000000          every deployment gets its own budget of this size
//   gpt-4.1:rpm=60,tpm=10000      only this deployment (overrides the default for it)
import { TokenBucket } from '../core/token-bucket.ts';
import { estimateRequestTokens } from '../request/token-estimate.ts';

export interface QuotaSpec {
  rpm?: number;
  tpm?: number;
}

export class RateLimitSpecError extends Error {}

/** Seconds of the per-minute quota a burst may use (Azure: 10-second windows). */
export const QUOTA_WINDOW_SECONDS = 10;

export function parseRateLimit(spec: string): { deployment: string | undefined; quota: QuotaSpec } {
  const colon = spec.indexOf(':');
  const deployment = colon === -1 ? undefined : spec.slice(0, colon).trim();
  if (deployment === '') throw new RateLimitSpecError(`rate limit '${spec}': the deployment before ':' is empty`);
  const quota: QuotaSpec = {};
  for (const raw of spec.slice(colon + 1).split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const [key, value] = part.split('=', 2).map((s) => s.trim());
    if (key !== 'rpm' && key !== 'tpm') throw new RateLimitSpecError(`rate limit '${spec}': unknown '${key}' (expected rpm=N and/or tpm=N)`);
    if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1) throw new RateLimitSpecError(`rate limit '${spec}': ${key} needs a whole number ≥ 1`);
    quota[key] = Number(value);
  }
  if (quota.rpm === undefined && quota.tpm === undefined) throw new RateLimitSpecError(`rate limit '${spec}': give rpm=N and/or tpm=N`);
  return { deployment, quota };
}

export type QuotaDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; retryAfterMs: number; limit: 'requests' | 'tokens'; headers: Record<string, string> };

interface DeploymentBuckets {
  requests: TokenBucket | undefined;
  tokens: TokenBucket | undefined;
}

export class SimulatedQuota {
  private readonly defaultQuota: QuotaSpec | undefined;
  private readonly perDeployment = new Map<string, QuotaSpec>();
  private readonly buckets = new Map<string, DeploymentBuckets>();

  constructor(
    specs: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    for (const spec of specs) {
      const { deployment, quota } = parseRateLimit(spec);
      if (deployment === undefined) this.defaultQuota = quota;
      else this.perDeployment.set(deployment, quota);
    }
  }

  get enabled(): boolean {
    return this.defaultQuota !== undefined || this.perDeployment.size > 0;
  }

  /** Charge a create request to its deployment, or say how long until it would fit. */
  admit(deployment: string, body: Record<string, unknown>): QuotaDecision {
    const buckets = this.bucketsFor(deployment);
    if (!buckets) return { allowed: true, headers: {} };
    const now = this.now();
    const tokens = estimateRequestTokens(body);
    const requestWait = buckets.requests?.waitMs(1, now) ?? 0;
    const tokenWait = buckets.tokens?.waitMs(tokens, now) ?? 0;
    if (requestWait > 0 || tokenWait > 0) {
      const retryAfterMs = Math.max(requestWait, tokenWait);
      return { allowed: false, retryAfterMs, limit: requestWait >= tokenWait ? 'requests' : 'tokens', headers: remainingHeaders(buckets, now) };
    }
    buckets.requests?.take(1, now);
    buckets.tokens?.take(tokens, now);
    return { allowed: true, headers: remainingHeaders(buckets, now) };
  }

  private bucketsFor(deployment: string): DeploymentBuckets | undefined {
    let buckets = this.buckets.get(deployment);
    if (buckets) return buckets;
    const quota = this.perDeployment.get(deployment) ?? this.defaultQuota;
    if (!quota) return undefined;
    const now = this.now();
    buckets = {
      requests: quota.rpm ? new TokenBucket(quota.rpm, QUOTA_WINDOW_SECONDS, now) : undefined,
      tokens: quota.tpm ? new TokenBucket(quota.tpm, QUOTA_WINDOW_SECONDS, now) : undefined,
    };
    this.buckets.set(deployment, buckets);
    return buckets;
  }
}

function remainingHeaders(buckets: DeploymentBuckets, now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  if (buckets.requests) headers['x-ratelimit-remaining-requests'] = String(Math.max(0, Math.floor(buckets.requests.available(now))));
  if (buckets.tokens) headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, Math.floor(buckets.tokens.available(now))));
  return headers;
}

/** Azure's words for a 429 from the quota, with both retry-after forms. */
export function quotaExceededAnswer(decision: Extract<QuotaDecision, { allowed: false }>): { status: 429; body: unknown; headers: Record<string, string> } {
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  return {
    status: 429,
    body: {
      error: {
        code: '429',
        message: `Requests to the Responses_Create Operation have exceeded the ${decision.limit === 'requests' ? 'call' : 'token'} rate limit of your current deployment's quota. Please retry after ${seconds} second${seconds === 1 ? '' : 's'}.`,
      },
    },
    headers: { ...decision.headers, 'retry-after': String(seconds), 'retry-after-ms': String(decision.retryAfterMs) },
  };
}
