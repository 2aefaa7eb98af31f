// What `aoai batch run` tells the user: a progress line on a terminal while it runs, and one
// summary line at the end (also as JSON with --json). Pure: numbers in, text out.

export interface Progress {
  /** Requests in the input. */
  total: number;
  /** Already in the results file (resumed). */
  skipped: number;
  succeeded: number;
  failed: number;
  /** In flight when a second Ctrl-C or a write failure abandoned them (they run again next time). */
  abandoned: number;
  retries: number;
  rateLimited: number;
  /** Tokens used (the answers' usage.total_tokens). */
  tokens: number;
  inFlight: number;
  startedAt: number;
  /** While the whole run waits out a 429. */
  pausedUntil: number;
}

/** The --json summary (snake_case, as the API's own objects). */
export interface BatchRunSummary {
  input: string;
  output: string | null;
  errors: string | null;
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  /** Not done by this run: never started, or abandoned (a later run with the same -o does them). */
  remaining: number;
  retries: number;
  rate_limited: number;
  tokens: number;
  seconds: number;
  requests_per_second: number;
  interrupted: boolean;
}

export function progressText(p: Progress, now: number): string {
  const seconds = Math.max(0.001, (now - p.startedAt) / 1000);
  const finished = p.succeeded + p.failed;
  const todo = p.total - p.skipped;
  const rate = finished / seconds;
  const parts = [`${finished}/${todo} done`];
  if (p.failed) parts.push(`${p.failed} failed`);
  parts.push(`${p.inFlight} in flight`, `${rate.toFixed(1)} req/s`, `${compact(p.tokens / seconds)} tok/s`);
  if (now < p.pausedUntil) parts.push(`rate limited, waiting ${((p.pausedUntil - now) / 1000).toFixed(1)} s`);
  else if (rate > 0 && todo > finished) parts.push(`ETA ${duration((todo - finished) / rate)}`);
  return `batch: ${parts.join(' · ')}`;
}

export function describeSummary(s: BatchRunSummary): string {
  const parts = [`${s.succeeded} succeeded`, `${s.failed} failed${s.failed && s.errors ? ` (in ${s.errors})` : ''}`];
  if (s.skipped) parts.push(`${s.skipped} already done`);
  if (s.remaining) parts.push(`${s.remaining} not done`);
  const head = `batch: ${s.total} request${s.total === 1 ? '' : 's'}: ${parts.join(', ')}`;
  const pace = [`${duration(s.seconds)}`, `${s.requests_per_second.toFixed(1)} req/s`];
  if (s.tokens) pace.push(`${compact(s.tokens)} tokens`);
  if (s.retries) pace.push(`${s.retries} retr${s.retries === 1 ? 'y' : 'ies'} (${s.rate_limited} rate limited)`);
  return `${head}; ${pace.join(', ')}`;
}

function compact(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return String(Math.round(n));
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
