// The one place an `openai` client is built: endpoint + API version → base URL, and either an
// API key (sent as `api-key`) or an Entra token provider (sent as `Authorization: Bearer`).
import { configSetCommand, notInherited } from '../cli/follow-up.ts';
import OpenAI from 'openai';
import { neutralise } from '../render/terminal-text.ts';
import { VERSION as SDK_VERSION } from 'openai/version';
import type { IO } from '../io/io.ts';
import { writeAboveSpinners } from '../io/spinner.ts';
import { ConfigError } from './errors.ts';
import { boundedFetch } from './http-limits.ts';
import { isSecretHeader, registerSecret } from './redact.ts';
import type { RequestRecord } from './request-record.ts';
import { baseUrlFor, describeSource, type Settings } from './settings.ts';
import type { TokenProvider } from './auth/entra.ts';
import { VERSION } from './version.ts';

export interface ClientDeps {
  io: IO;
  tokenProvider: TokenProvider | undefined;
  /** Extra headers for this client (e.g. the image-generation deployment). */
  extraHeaders?: Record<string, string> | undefined;
  /** Where this client records its retry policy and attempts, for the error line (the factory's). */
  record: RequestRecord;
  /** fetch through the configured proxy (core/proxy-fetch.ts); global fetch when direct. */
  transport?: typeof fetch | undefined;
  /**
   * The caller retries by itself (aoai batch run paces a whole run after a 429): the client
   * sends each request once and reports every failure as it is.
   */
  callerRetries?: boolean | undefined;
}

export type Client = OpenAI;

export function requireEndpoint(settings: Settings): string {
  if (!settings.endpoint) {
    throw new ConfigError(
      'no endpoint is set',
      `set AZURE_OPENAI_ENDPOINT=https://RESOURCE.openai.azure.com, pass --endpoint URL or --resource NAME, or run: ${configSetCommand(settings.profile, 'endpoint', 'URL')}${notInherited(settings.profile)}`,
    );
  }
  return settings.endpoint.value;
}

export function createClient(resolved: Settings, deps: ClientDeps): Client {
  const settings = deps.callerRetries ? { ...resolved, maxRetries: 0 } : resolved;
  const endpoint = requireEndpoint(settings);
  // Plain http:// is checked on the resolved address before the client is built (core/address-trust.ts).
  deps.record.maxRetries = settings.maxRetries;
  deps.record.timeoutMs = settings.timeoutMs;
  const { baseURL, query } = baseUrlFor(endpoint, settings.apiVersion.value);
  const headers: Record<string, string | null> = {
    'user-agent': `aoai/${VERSION} OpenAI/JS ${SDK_VERSION}`,
    ...settings.headers,
    ...deps.extraHeaders,
  };
  for (const [name, value] of Object.entries(settings.headers)) if (isSecretHeader(name)) registerSecret(value);

  let apiKey: string | (() => Promise<string>);
  if (settings.auth.mode === 'key') {
    registerSecret(settings.auth.apiKey.value);
    // Azure's own header; the SDK's Bearer header is removed so the key is sent once.
    headers['api-key'] = settings.auth.apiKey.value;
    headers.authorization = null;
    apiKey = settings.auth.apiKey.value;
  } else {
    const provider = deps.tokenProvider;
    if (!provider) throw new Error('internal: Entra auth without a token provider');
    apiKey = () => provider.getToken();
  }

  return new OpenAI({
    apiKey,
    baseURL,
    defaultQuery: query,
    defaultHeaders: headers,
    timeout: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    fetch: boundedFetch(instrumentedFetch(settings, deps), { timeoutMs: settings.timeoutMs, ...settings.limits }),
    logger: stderrLogger(deps.io, settings.debug),
    // A redirect must not carry the key to another host.
    fetchOptions: { redirect: 'manual' },
  });
}

/**
 * The SDK's own logger reports what it is about to throw ("Could not parse message into JSON")
 * on top of the error we report ourselves; outside --debug that is noise on stderr.
 */
function stderrLogger(io: IO, debug: boolean) {
  const write = (level: string) => (message: string, ...rest: unknown[]) => {
    if (!debug) return;
    io.err(`openai ${level}: ${neutralise([message, ...rest.map((r) => (typeof r === 'string' ? r : JSON.stringify(r)))].join(' '))}\n`);
  };
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
}

/** The longest Retry-After aoai waits out by itself; a longer one fails at once, saying so. */
export const MAX_RETRY_AFTER_SECONDS = 60;

/** Statuses the SDK retries (its shouldRetry): timeouts, lock conflicts, rate limits, 5xx. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** How long the service asked us to wait, in ms: `retry-after-ms`, else `retry-after` (seconds or a date). */
export function requestedWaitMs(headers: Headers): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && Number.isFinite(parseFloat(ms))) return Math.max(0, parseFloat(ms));
  const after = headers.get('retry-after');
  if (after === null) return undefined;
  const seconds = parseFloat(after);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(after);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Exponential backoff for retries the service gave no hint for: 0.5 s, 1 s, 2 s … 8 s, minus up to 25 % jitter. */
function backoffMs(retry: number): number {
  return Math.min(500 * 2 ** (retry - 1), 8000) * (1 - Math.random() * 0.25);
}

/**
 * fetch, plus: --debug request/response lines (secrets redacted); one retry with a fresh Entra
 * token when the service rejects a cached one (it may have been revoked or rotated); the retry
 * policy; and the attempt count in the factory's request record.
 *
 * Retries themselves stay the SDK's (it re-sends on 408/409/429/5xx and dropped connections, up
 * to maxRetries). A second retry loop around it would multiply attempts, so instead this fetch
 * shapes the SDK's decision on each failed answer: it sets `retry-after-ms` to the exact wait (the
 * service's hint, or our backoff) so the notice on stderr tells the truth, and it sets
 * `x-should-retry: false` when the service asks for a wait longer than MAX_RETRY_AFTER_SECONDS.
 */
function instrumentedFetch(settings: Settings, deps: ClientDeps): typeof fetch {
  const { io, tokenProvider, record } = deps;
  const fetch = deps.transport ?? globalThis.fetch;
  const debug = settings.debug;
  const notify = (line: string) => {
    if (io.stderrIsTTY || debug) writeAboveSpinners(io, `${debug ? '* ' : ''}${neutralise(line)}\n`);
  };
  return async (input, init) => {
    const started = Date.now();
    const method = init?.method ?? 'GET';
    const target = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const requestHeaders = new Headers(init?.headers);
    // The SDK numbers its attempts in this header: 0 on the first, n on the n-th retry.
    const retriesSoFar = Number(requestHeaders.get('x-stainless-retry-count') ?? 0) || 0;
    record.attempts = retriesSoFar + 1;
    const retriesLeft = settings.maxRetries - retriesSoFar;
    if (debug) {
      io.err(`> ${method} ${target}\n`);
      for (const [name, value] of requestHeaders.entries()) {
        io.err(`> ${name}: ${isSecretHeader(name) ? '[redacted]' : value}\n`);
      }
    }
    let response: Response;
    try {
      response = await fetch(input, init);
    } catch (error) {
      const timedOut = Date.now() - started >= settings.timeoutMs - 20;
      const aborted = init?.signal?.aborted && !timedOut;
      if (!aborted && retriesLeft > 0) {
        const what = timedOut ? `no answer within ${formatSeconds(settings.timeoutMs)}` : `connection failed (${describeFetchFailure(error)})`;
        notify(`${what}, retrying (${retriesSoFar + 1}/${settings.maxRetries})`);
      }
      throw error;
    }
    if (debug) logResponse(io, response, started);
    if (response.status === 401 && tokenProvider && settings.auth.mode === 'entra') {
      const previous = requestHeaders.get('authorization');
      tokenProvider.invalidate();
      const fresh = await tokenProvider.getToken();
      if (`Bearer ${fresh}` !== previous) {
        if (debug) io.err('* 401 with a cached Entra token: signed in again, retrying once\n');
        requestHeaders.set('authorization', `Bearer ${fresh}`);
        await response.body?.cancel();
        response = await fetch(input, { ...init, headers: requestHeaders });
        if (debug) logResponse(io, response, started);
      }
    }
    if (response.ok || !isRetryableStatus(response.status) || response.headers.get('x-should-retry') === 'false') return response;
    return shapeRetry(response, retriesSoFar, retriesLeft, settings.maxRetries, notify);
  };
}

function shapeRetry(response: Response, retriesSoFar: number, retriesLeft: number, maxRetries: number, notify: (line: string) => void): Response {
  const headers = new Headers(response.headers);
  const asked = requestedWaitMs(headers);
  if (asked !== undefined && asked > MAX_RETRY_AFTER_SECONDS * 1000) {
    headers.set('x-should-retry', 'false');
  } else if (retriesLeft > 0) {
    const wait = asked ?? backoffMs(retriesSoFar + 1);
    headers.set('retry-after-ms', String(Math.round(wait)));
    const what = response.status === 429 ? 'rate limited' : `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    notify(`${what}, retrying in ${formatSeconds(wait)} (${retriesSoFar + 1}/${maxRetries})`);
  }
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${seconds >= 10 || Number.isInteger(seconds) ? Math.round(seconds) : seconds.toFixed(1)} s`;
}

function describeFetchFailure(error: unknown): string {
  const cause = (error as { cause?: NodeJS.ErrnoException } | undefined)?.cause;
  const code = cause?.code ?? (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  return code ?? oneLineMessage(error);
}

function oneLineMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
}

function logResponse(io: IO, response: Response, started: number): void {
  const requestId = response.headers.get('apim-request-id') ?? response.headers.get('x-request-id') ?? '-';
  // The status text, request id and content type are the server's words: shown, not obeyed.
  io.err(`${neutralise(`< ${response.status} ${response.statusText} (${Date.now() - started} ms, request id ${requestId}, ${response.headers.get('content-type') ?? 'no content-type'})`)}\n`);
}

/** Describe the credential for error messages: which one was used, never its value. */
export function describeCredential(settings: Settings, tokenProvider?: TokenProvider): string {
  if (settings.auth.mode === 'key') return `API key from ${describeSource(settings.auth.apiKey.source)}`;
  return `Microsoft Entra ID via ${tokenProvider?.description ?? settings.auth.credential}`;
}
