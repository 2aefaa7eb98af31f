// The one place an `openai` client is built: endpoint + API version → base URL, and either an
// API key (sent as `api-key`) or an Entra token provider (sent as `Authorization: Bearer`).
import OpenAI from 'openai';
import { VERSION as SDK_VERSION } from 'openai/version';
import type { IO } from '../io/io.ts';
import { ConfigError, UsageError } from './errors.ts';
import { isSecretHeader, registerSecret } from './redact.ts';
import { baseUrlFor, describeSource, type Settings } from './settings.ts';
import type { TokenProvider } from './auth/entra.ts';
import { VERSION } from './version.ts';

export interface ClientDeps {
  io: IO;
  tokenProvider: TokenProvider | undefined;
  /** Extra headers for this client (e.g. the image-generation deployment). */
  extraHeaders?: Record<string, string>;
}

export type Client = OpenAI;

export function requireEndpoint(settings: Settings): string {
  if (!settings.endpoint) {
    throw new ConfigError(
      'no endpoint is set',
      'set AZURE_OPENAI_ENDPOINT=https://RESOURCE.openai.azure.com, pass --endpoint URL or --resource NAME, or run: aoai config set endpoint URL',
    );
  }
  return settings.endpoint.value;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || url.hostname.endsWith('.localhost');
}

export function createClient(settings: Settings, deps: ClientDeps): Client {
  const endpoint = requireEndpoint(settings);
  const url = new URL(endpoint);
  if (url.protocol === 'http:' && !isLoopback(url) && !settings.insecure) {
    throw new UsageError(
      `refusing to send credentials over plain http:// to ${url.host}`,
      'use https://, or pass --insecure if this is a trusted proxy',
    );
  }
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
    fetch: instrumentedFetch(settings, deps),
    logger: stderrLogger(deps.io),
    // A redirect must not carry the key to another host.
    fetchOptions: { redirect: 'manual' },
  });
}

function stderrLogger(io: IO) {
  const write = (level: string) => (message: string, ...rest: unknown[]) =>
    io.err(`openai ${level}: ${[message, ...rest.map((r) => (typeof r === 'string' ? r : JSON.stringify(r)))].join(' ')}\n`);
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
}

/**
 * fetch, plus: --debug request/response lines (secrets redacted), and one retry with a fresh
 * Entra token when the service rejects a cached one (it may have been revoked or rotated).
 */
function instrumentedFetch(settings: Settings, deps: ClientDeps): typeof fetch {
  const { io, tokenProvider } = deps;
  const debug = settings.debug;
  return async (input, init) => {
    const started = Date.now();
    const method = init?.method ?? 'GET';
    const target = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (debug) {
      io.err(`> ${method} ${target}\n`);
      for (const [name, value] of new Headers(init?.headers).entries()) {
        io.err(`> ${name}: ${isSecretHeader(name) ? '[redacted]' : value}\n`);
      }
    }
    let response = await fetch(input, init);
    if (debug) logResponse(io, response, started);
    if (response.status === 401 && tokenProvider && settings.auth.mode === 'entra') {
      const headers = new Headers(init?.headers);
      const previous = headers.get('authorization');
      tokenProvider.invalidate();
      const fresh = await tokenProvider.getToken();
      if (`Bearer ${fresh}` !== previous) {
        if (debug) io.err('* 401 with a cached Entra token: signed in again, retrying once\n');
        headers.set('authorization', `Bearer ${fresh}`);
        await response.body?.cancel();
        response = await fetch(input, { ...init, headers });
        if (debug) logResponse(io, response, started);
      }
    }
    return response;
  };
}

function logResponse(io: IO, response: Response, started: number): void {
  const requestId = response.headers.get('apim-request-id') ?? response.headers.get('x-request-id') ?? '-';
  io.err(`< ${response.status} ${response.statusText} (${Date.now() - started} ms, request id ${requestId}, ${response.headers.get('content-type') ?? 'no content-type'})\n`);
}

/** Describe the credential for error messages: which one was used, never its value. */
export function describeCredential(settings: Settings, tokenProvider?: TokenProvider): string {
  if (settings.auth.mode === 'key') return `API key from ${describeSource(settings.auth.apiKey.source)}`;
  return `Microsoft Entra ID via ${tokenProvider?.description ?? settings.auth.credential}`;
}
