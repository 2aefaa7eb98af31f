// Turn the openai SDK's error classes into one line: HTTP status, error code, message, request id.
// Loaded only after a request failed, by which time the SDK is already in memory.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, OpenAIError } from 'openai';
import { ApiError, AuthError, CliError, ExitCode, InterruptedError, oneLine } from './errors.ts';

export interface ErrorContext {
  /** Which credential was used (never its value), for 401/403 hints. */
  credential?: string | undefined;
  endpoint?: string | undefined;
}

let context: ErrorContext = {};

/** Commands record where they were talking to, so errors can name it. */
export function setErrorContext(next: ErrorContext): void {
  context = next;
}

export function requestIdOf(headers: Headers | undefined): string | undefined {
  return headers?.get('apim-request-id') ?? headers?.get('x-request-id') ?? undefined;
}

export function fromSdkError(error: unknown): CliError | undefined {
  if (error instanceof APIUserAbortError) return new InterruptedError();
  if (error instanceof APIConnectionTimeoutError) {
    return new ApiError(`request to ${context.endpoint ?? 'the endpoint'} timed out`, {
      hint: 'raise --timeout (seconds per attempt) or check the network',
    });
  }
  if (error instanceof APIConnectionError) {
    const cause = describeCause(error.cause);
    return new ApiError(`cannot reach ${context.endpoint ?? 'the endpoint'}${cause ? `: ${cause}` : ''}`, {
      hint: 'check the endpoint (AZURE_OPENAI_ENDPOINT, --endpoint) and your network',
    });
  }
  if (error instanceof APIError) return fromApiError(error);
  // The SDK wraps what our token provider throws ("Failed to get token from 'apiKey' function");
  // our own error already says what went wrong and what to do.
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (error instanceof OpenAIError && cause instanceof CliError) return cause;
  if (error instanceof OpenAIError) return new ApiError(oneLine(error.message));
  return undefined;
}

function fromApiError(error: APIError): CliError {
  const status = error.status;
  const body = (error.error ?? {}) as Record<string, unknown>;
  const message = typeof body.message === 'string' && body.message ? body.message : statusText(status);
  const code = body.code === null || body.code === undefined ? undefined : String(body.code);
  const requestId = requestIdOf(error.headers);
  const parts = [`HTTP ${status ?? '?'}`];
  if (code && code !== String(status)) parts.push(`(${code})`);
  let line = `${parts.join(' ')}: ${oneLine(message)}`;
  if (requestId) line += ` [request id ${requestId}]`;

  if (status === 401 || status === 403) {
    const used = context.credential ? `authenticated with ${context.credential}` : 'authentication failed';
    const hint =
      status === 401
        ? `${used}; check that it belongs to ${context.endpoint ?? 'this endpoint'}`
        : `${used}; the identity needs a role such as "Cognitive Services OpenAI User" on the resource`;
    return new AuthError(line, hint);
  }
  let hint: string | undefined;
  if (status === 404 && code === 'DeploymentNotFound') hint = 'check the deployment name given to -m/--model';
  else if (status === 404 && /Resource not found/i.test(message)) hint = 'check the endpoint and --api-version';
  else if (status === 429) hint = rateLimitHint(error.headers);
  return new ApiError(line, { status, code, requestId, hint, exitCode: ExitCode.ApiError });
}

function rateLimitHint(headers: Headers | undefined): string {
  const after = headers?.get('retry-after-ms') ? `${Number(headers.get('retry-after-ms')) / 1000} s` : headers?.get('retry-after') ? `${headers.get('retry-after')} s` : undefined;
  return `rate limited${after ? `; the service asks to wait ${after}` : ''}; retries are set by --max-retries`;
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
  if (errno.code === 'ECONNREFUSED') return 'connection refused';
  if (errno.code === 'ECONNRESET') return 'connection reset';
  if (errno.code) return `${errno.code}`;
  return oneLine(errno.message);
}
