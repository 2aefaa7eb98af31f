// Turn the openai SDK's error classes into one line: HTTP status, error code, message, request id.
// Loaded only after a request failed, by which time the SDK is already in memory.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, OpenAIError } from 'openai';
import { ApiError, AuthError, CliError, ExitCode, InterruptedError, describeReceived, oneLine, truncate } from './errors.ts';
import { errorBodyNote, formatMb, LIMIT_SETTINGS, raiseCapHint } from './http-limits.ts';
import { MAX_RETRY_AFTER_SECONDS, requestedWaitMs } from './client.ts';
import type { RequestRecord } from './request-record.ts';

export function requestIdOf(headers: Headers | undefined): string | undefined {
  return headers?.get('apim-request-id') ?? headers?.get('x-request-id') ?? undefined;
}

/** The CLI error for what the SDK threw; `record` is the factory's (where the request went, how often it was tried). */
export function fromSdkError(error: unknown, record: RequestRecord): CliError | undefined {
  if (error instanceof APIUserAbortError) return new InterruptedError();
  const endpoint = record.endpoint ?? 'the endpoint';
  if (error instanceof APIConnectionTimeoutError) {
    return new ApiError(`no answer from ${endpoint} within ${record.timeoutMs / 1000} s${attemptsNote(record)}`, {
      hint: 'raise --timeout (seconds per attempt) or --max-retries, or check the network',
    });
  }
  // Our own transport's errors (a proxy that refused) already say what went wrong.
  if (error instanceof APIConnectionError && error.cause instanceof CliError) return error.cause;
  if (error instanceof APIConnectionError) {
    const cause = describeCause(error.cause);
    return new ApiError(`cannot reach ${endpoint}${cause ? `: ${cause}` : ''}${attemptsNote(record)}`, {
      hint: 'check the endpoint (AZURE_OPENAI_ENDPOINT, --endpoint) and your network',
    });
  }
  if (error instanceof APIError) return fromApiError(error, record);
  // The SDK wraps what our token provider throws ("Failed to get token from 'apiKey' function");
  // our own error already says what went wrong and what to do.
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (error instanceof OpenAIError && cause instanceof CliError) return cause;
  if (error instanceof OpenAIError) return new ApiError(oneLine(error.message));
  return undefined;
}

/** " (3 attempts)" after retries, so a final failure says how hard aoai tried. */
function attemptsNote({ attempts }: RequestRecord): string {
  return attempts > 1 ? ` (${attempts} attempts)` : '';
}

function fromApiError(error: APIError, record: RequestRecord): CliError {
  const status = error.status;
  const { message: described, code, received } = describeErrorBody(error);
  const message = described || statusText(status);
  const requestId = requestIdOf(error.headers);
  const parts = [`HTTP ${status ?? '?'}`];
  if (code && code !== String(status)) parts.push(`(${truncate(oneLine(code), 80)})`);
  let line = `${parts.join(' ')}: ${truncate(oneLine(message), MAX_MESSAGE)}`;
  if (received) line += ` (received ${received})`;
  if (requestId) line += ` [request id ${requestId}]`;

  if (status === 401 || status === 403) {
    const used = record.credential ? `authenticated with ${record.credential}` : 'authentication failed';
    const withKey = record.credential?.startsWith('API key') ?? false;
    const hint =
      status === 401
        ? `${used}; check that it belongs to ${record.endpoint ?? 'this endpoint'}${withKey ? '' : ' (and the tenant, --tenant)'}`
        : withKey
          ? `${used}; the key was accepted but access is denied: check the resource's network rules (firewall, private endpoint)`
          : `${used}; the identity needs a role such as "Cognitive Services OpenAI User" on the resource`;
    return new AuthError(line, hint);
  }
  let hint: string | undefined;
  if (status === 404 && code === 'DeploymentNotFound') hint = 'check the deployment name given to -m/--model; list the deployments: aoai deployments';
  else if (status === 404 && /Resource not found/i.test(message)) hint = 'check the endpoint and --api-version';
  else if (status === 400 && /x-ms-oai-image-generation-deployment/i.test(message)) {
    hint = 'name the image model deployment: --image-deployment NAME (or AZURE_OPENAI_IMAGE_DEPLOYMENT, or aoai config set image-deployment NAME)';
  }
  else if (status !== undefined && (status === 408 || status === 409 || status === 429 || status >= 500)) hint = retryHint(status, error.headers, record);
  const note = errorBodyNote(error.headers);
  if (note?.truncatedAt !== undefined && !described) {
    hint = `the error body was cut at ${formatMb(note.truncatedAt)} (${LIMIT_SETTINGS.error.key}); to read more, ${raiseCapHint('error', note.truncatedAt)}`;
  }
  if (received && /text\/html/.test(received)) hint = 'an HTML page usually comes from a proxy or gateway in front of the service; check the endpoint';
  return new ApiError(line, { status, code, requestId, hint, exitCode: ExitCode.ApiError });
}

/** What gave up: the service's own wait hint (too long to sleep through), or our retry budget. */
function retryHint(status: number, headers: Headers | undefined, { attempts, maxRetries }: RequestRecord): string {
  const asked = headers ? requestedWaitMs(headers) : undefined;
  const header = headers?.get('retry-after-ms') ? 'retry-after-ms' : 'retry-after';
  const what = status === 429 ? 'rate limited' : 'the service failed';
  if (asked !== undefined && asked > MAX_RETRY_AFTER_SECONDS * 1000) {
    return `${what}; the service asks to wait ${Math.round(asked / 1000)} s (${header}), longer than aoai waits by itself (${MAX_RETRY_AFTER_SECONDS} s): try again later`;
  }
  const tried = `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} (--max-retries ${maxRetries})`;
  const wait = asked !== undefined ? `; the service asks to wait ${formatWait(asked)} (${header})` : '';
  return `${what}${wait}; ${tried}`;
}

function formatWait(ms: number): string {
  return ms < 1000 && ms > 0 ? `${Math.round(ms)} ms` : `${Math.round(ms / 1000)} s`;
}

/** The longest server message quoted in an error line. */
const MAX_MESSAGE = 500;

interface DescribedBody {
  message: string | undefined;
  code: string | undefined;
  /** For a body that is not a JSON error: what it was (type, size, an excerpt). */
  received: string | undefined;
}

/**
 * The message and code of an error body of whatever shape the server chose: Azure's and OpenAI's
 * `{error: {code, message}}`, but also `{error: "text"}`, `{message: {…}}`, `{statusCode, message}`
 * from a gateway, arrays, bare numbers, or a body cut short. Never `[object Object]`.
 */
function describeErrorBody(error: APIError): DescribedBody {
  const note = errorBodyNote(error.headers);
  if (!note) {
    // Not read by boundedFetch (cannot happen through our client; kept for safety).
    const found = error.error === undefined ? { message: undefined, code: undefined } : errorFields(error.error);
    return { ...found, received: error.error === undefined ? nonJsonBody(error) : undefined };
  }
  const type = error.headers?.get('content-type')?.split(';')[0]?.trim();
  if (note.timedOutAfterMs !== undefined) {
    return { message: undefined, code: undefined, received: `${describeReceived(type, note.text)}; the rest did not arrive within ${note.timedOutAfterMs / 1000} s` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(note.text);
  } catch {
    const cut = note.truncatedAt !== undefined ? `, cut at ${formatMb(note.truncatedAt)}` : '';
    return { message: undefined, code: undefined, received: note.text.trim() || cut ? `${describeReceived(type, note.text)}${cut}` : undefined };
  }
  const found = errorFields(parsed);
  return { ...found, received: found.message || found.code ? undefined : `${describeReceived(type, note.text)}` };
}

/** Message and code from a parsed error body, looking into `error` (nested or not). */
export function errorFields(value: unknown, depth = 0): { message: string | undefined; code: string | undefined } {
  if (value === null || value === undefined) return { message: undefined, code: undefined };
  if (typeof value === 'string') return { message: value.trim() || undefined, code: undefined };
  if (typeof value === 'number' || typeof value === 'boolean') return { message: `the JSON value ${String(value)}`, code: undefined };
  if (Array.isArray(value)) {
    if (value.length === 1 && depth < 4) return errorFields(value[0], depth + 1);
    return { message: value.length === 0 ? undefined : `a JSON array of ${value.length} items: ${jsonExcerpt(value)}`, code: undefined };
  }
  const object = value as Record<string, unknown>;
  const nested = depth < 4 && object.error !== undefined ? errorFields(object.error, depth + 1) : { message: undefined, code: undefined };
  const named = ['message', 'Message', 'error_description', 'detail', 'title', 'text'].map((key) => object[key]);
  const ownMessage = named.find((value) => typeof value === 'string' && value.trim()) ?? named.find((value) => value !== undefined && value !== null);
  const message = nested.message ?? textOf(ownMessage, depth);
  const code = nested.code ?? codeOf(object.code ?? object.Code);
  if (message || code) return { message, code };
  return { message: Object.keys(object).length ? jsonExcerpt(object) : undefined, code: undefined };
}

function textOf(value: unknown, depth: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'object' && depth < 4) return errorFields(value, depth + 1).message ?? jsonExcerpt(value);
  return typeof value === 'object' ? jsonExcerpt(value) : String(value);
}

function codeOf(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function jsonExcerpt(value: unknown): string {
  return truncate(JSON.stringify(value), 200);
}

/** An error body that is not JSON (a proxy's HTML page, plain text): say what it was. */
function nonJsonBody(error: APIError): string | undefined {
  const type = error.headers?.get('content-type')?.split(';')[0]?.trim();
  const text = error.message.replace(/^\d{3}\s*/, '');
  if (!type && !text) return undefined;
  return describeReceived(type, text === 'status code (no body)' ? '' : text);
}

function statusText(status: number | undefined): string {
  const texts: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    408: 'Request Timeout',
    409: 'Conflict',
    413: 'Payload Too Large',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return (status && texts[status]) || 'no error message in the response';
}

const TLS_CERTIFICATE_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Why a connection failed, in a few words ("connection refused", "TLS certificate rejected (…)"). */
export function describeCause(cause: unknown): string | undefined {
  if (!(cause instanceof Error)) return undefined;
  const inner = (cause as Error & { cause?: unknown }).cause;
  const errno = (inner instanceof Error ? inner : cause) as NodeJS.ErrnoException & { hostname?: string };
  if (errno.code === 'ENOTFOUND') return `host not found (${errno.hostname ?? 'DNS lookup failed'})`;
  if (errno.code === 'EAI_AGAIN') return `DNS lookup failed (${errno.hostname ?? 'temporary failure'})`;
  if (errno.code === 'ECONNREFUSED') return 'connection refused';
  if (errno.code === 'ECONNRESET' || errno.code === 'UND_ERR_SOCKET') return 'connection reset';
  if (errno.code === 'ETIMEDOUT' || errno.code === 'UND_ERR_CONNECT_TIMEOUT') return 'connection timed out';
  if (errno.code && TLS_CERTIFICATE_CODES.has(errno.code)) return `TLS certificate rejected (${errno.code})`;
  if (errno.code) return `${errno.code}`;
  return oneLine(errno.message);
}
