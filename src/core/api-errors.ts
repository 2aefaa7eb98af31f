// Turn the openai SDK's error classes into one line: HTTP status, error code, message, request id.
// Loaded only after a request failed, by which time the SDK is already in memory.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, OpenAIError } from 'openai';
import { ApiError, AuthError, CliError, ExitCode, InterruptedError, describeReceived, oneLine } from './errors.ts';
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
  const body = (error.error ?? {}) as Record<string, unknown>;
  const received = error.error === undefined ? nonJsonBody(error) : undefined;
  const message = typeof body.message === 'string' && body.message ? body.message : statusText(status);
  const code = body.code === null || body.code === undefined ? undefined : String(body.code);
  const requestId = requestIdOf(error.headers);
  const parts = [`HTTP ${status ?? '?'}`];
  if (code && code !== String(status)) parts.push(`(${code})`);
  let line = `${parts.join(' ')}: ${oneLine(message)}`;
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
  if (status === 404 && code === 'DeploymentNotFound') hint = 'check the deployment name given to -m/--model';
  else if (status === 404 && /Resource not found/i.test(message)) hint = 'check the endpoint and --api-version';
  else if (status === 400 && /x-ms-oai-image-generation-deployment/i.test(message)) {
    hint = 'name the image model deployment: --image-deployment NAME (or AZURE_OPENAI_IMAGE_DEPLOYMENT, or aoai config set image-deployment NAME)';
  }
  else if (status !== undefined && (status === 408 || status === 409 || status === 429 || status >= 500)) hint = retryHint(status, error.headers, record);
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

function describeCause(cause: unknown): string | undefined {
  if (!(cause instanceof Error)) return undefined;
  const inner = (cause as Error & { cause?: unknown }).cause;
  const errno = (inner instanceof Error ? inner : cause) as NodeJS.ErrnoException & { hostname?: string };
  if (errno.code === 'ENOTFOUND') return `host not found (${errno.hostname ?? 'DNS lookup failed'})`;
  if (errno.code === 'EAI_AGAIN') return `DNS lookup failed (${errno.hostname ?? 'temporary failure'})`;
  if (errno.code === 'ECONNREFUSED') return 'connection refused';
  if (errno.code === 'ECONNRESET' || errno.code === 'UND_ERR_SOCKET') return 'connection reset';
  if (errno.code === 'ETIMEDOUT' || errno.code === 'UND_ERR_CONNECT_TIMEOUT') return 'connection timed out';
  if (errno.code === 'CERT_HAS_EXPIRED' || errno.code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || errno.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE') return `TLS certificate rejected (${errno.code})`;
  if (errno.code) return `${errno.code}`;
  return oneLine(errno.message);
}
