// Fault injection: rate limits, server errors, dropped and stalled streams, mid-stream error
// events, broken bodies. A rule comes from `--fault`, `addFault()`, POST /_emulator/faults, or
// the `x-emulator-fault` header of a single request, in one small syntax:
//   status=429,retry-after=2     drop-after=5,times=3,stream     body=html     reset
export interface FaultRule {
  status?: number;
  retryAfter?: number;
  retryAfterMs?: number;
  /** Streams: destroy the connection after this many events. */
  dropAfter?: number;
  /** Streams: stop writing after this many events but keep the connection open. */
  stallAfter?: number;
  /** Streams: after this many events, send an `error` event and fail the response. */
  errorEventAfter?: number;
  /** Pause between streamed (or background) events. */
  delayMs?: number;
  /** The response itself ends `failed`. */
  fail?: boolean;
  /** Destroy the connection before answering. */
  reset?: boolean;
  /** `html`: a 502 proxy page; `truncated`: a 200 JSON body cut in half. */
  body?: 'html' | 'truncated';
  /** Answer 200 with this content type instead of JSON. */
  contentType?: string;
  /** How many matching requests this rule applies to; 0 = every one. Default 1. */
  times?: number;
  method?: string;
  /** Matches when the request path contains this. */
  path?: string;
  /** Matches streaming requests only. */
  stream?: boolean;
}

export class FaultSpecError extends Error {}

const INTEGER_KEYS: Record<string, keyof FaultRule> = {
  status: 'status',
  'retry-after': 'retryAfter',
  'retry-after-ms': 'retryAfterMs',
  'drop-after': 'dropAfter',
  'stall-after': 'stallAfter',
  'error-event-after': 'errorEventAfter',
  'delay-ms': 'delayMs',
  times: 'times',
};

export function parseFault(spec: string): FaultRule {
  const rule: FaultRule = {};
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    const value = eq === -1 ? undefined : part.slice(eq + 1).trim();
    const integerKey = INTEGER_KEYS[key];
    if (integerKey) {
      if (value === undefined || !/^\d+$/.test(value)) throw new FaultSpecError(`fault '${key}' needs a whole number, got '${value ?? ''}'`);
      (rule as Record<string, number>)[integerKey] = Number(value);
      continue;
    }
    switch (key) {
      case 'fail':
      case 'reset':
      case 'stream':
        if (value !== undefined && value !== 'true') throw new FaultSpecError(`fault '${key}' takes no value`);
        rule[key] = true;
        break;
      case 'body':
        if (value !== 'html' && value !== 'truncated') throw new FaultSpecError(`fault 'body' must be html or truncated, got '${value ?? ''}'`);
        rule.body = value;
        break;
      case 'content-type':
        if (!value) throw new FaultSpecError("fault 'content-type' needs a value");
        rule.contentType = value;
        break;
      case 'method':
        if (!value) throw new FaultSpecError("fault 'method' needs a value");
        rule.method = value.toUpperCase();
        break;
      case 'path':
        if (!value) throw new FaultSpecError("fault 'path' needs a value");
        rule.path = value;
        break;
      default:
        throw new FaultSpecError(`unknown fault '${key}' (known: status, retry-after, retry-after-ms, drop-after, stall-after, error-event-after, delay-ms, fail, reset, body, content-type, times, method, path, stream)`);
    }
  }
  if (rule.status !== undefined && (rule.status < 100 || rule.status > 599)) throw new FaultSpecError(`fault status ${rule.status} is not an HTTP status`);
  return rule;
}

export interface FaultTarget {
  method: string;
  path: string;
  stream: boolean;
}

interface QueuedRule {
  rule: FaultRule;
  remaining: number; // Infinity for times=0
}

export class FaultQueue {
  private rules: QueuedRule[] = [];

  add(spec: string | FaultRule): void {
    const rule = typeof spec === 'string' ? parseFault(spec) : { ...spec };
    const times = rule.times ?? 1;
    this.rules.push({ rule, remaining: times === 0 ? Infinity : times });
  }

  clear(): void {
    this.rules = [];
  }

  /** The first queued rule that matches this request, counted as used. */
  take(target: FaultTarget): FaultRule | undefined {
    const index = this.rules.findIndex(({ rule }) => matches(rule, target));
    if (index === -1) return undefined;
    const entry = this.rules[index]!;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.rules.splice(index, 1);
    return entry.rule;
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  if (rule.method && rule.method !== target.method) return false;
  if (rule.path && !target.path.includes(rule.path)) return false;
  if (rule.stream && !target.stream) return false;
  // A stream-only fault (drop/stall/error event) means nothing to a plain JSON request.
  const streamOnly = rule.dropAfter !== undefined || rule.stallAfter !== undefined;
  if (streamOnly && !target.stream) return false;
  return true;
}

const STATUS_ERRORS: Record<number, { code: string; message: string }> = {
  500: { code: 'InternalServerError', message: 'The server had an error while processing your request. Sorry about that!' },
  502: { code: 'BadGateway', message: 'Bad gateway.' },
  503: { code: 'ServiceUnavailable', message: 'The service is temporarily unable to process your request. Please try again later.' },
  504: { code: 'GatewayTimeout', message: 'The operation was timeout.' },
};

/** The body and headers of a `status=N` fault, shaped like the service's. */
export function statusFaultAnswer(rule: FaultRule): { status: number; body: unknown; headers: Record<string, string> } {
  const status = rule.status!;
  const headers: Record<string, string> = {};
  if (rule.retryAfter !== undefined) headers['retry-after'] = String(rule.retryAfter);
  if (rule.retryAfterMs !== undefined) headers['retry-after-ms'] = String(rule.retryAfterMs);
  if (status === 429) {
    const seconds = rule.retryAfter ?? Math.ceil((rule.retryAfterMs ?? 1000) / 1000);
    return {
      status,
      headers,
      body: { error: { code: '429', message: `Requests to the Responses API have exceeded call rate limit. Please retry after ${seconds} seconds.` } },
    };
  }
  const known = STATUS_ERRORS[status] ?? { code: String(status), message: `Emulated HTTP ${status}.` };
  return { status, headers, body: { error: known } };
}

export const PROXY_ERROR_PAGE = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center><hr><center>emulated proxy</center></body></html>
`;
