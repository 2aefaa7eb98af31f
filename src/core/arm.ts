// A plain authenticated Azure Resource Manager client, just enough for `aoai deployments`: GET
// with an Entra token for the cloud's management scope (never the API key: ARM takes none),
// through the same proxy route as every other request, following `nextLink` pages. A page link
// must stay on the ARM endpoint (the token goes nowhere else) and never repeat.
import { ApiError, AuthError, oneLine } from './errors.ts';
import type { Factory } from './factory.ts';
import { registerSecret } from './redact.ts';
import type { Settings } from './settings.ts';

export const ARM_API_VERSION = '2024-10-01';
const SUBSCRIPTIONS_API_VERSION = '2022-12-01';
const MAX_ARM_BODY_BYTES = 16 * 1024 * 1024;
const MAX_PAGES = 1000;

export interface ArmClient {
  /** Every item of a paged ARM list, following nextLink. */
  list<T>(path: string, apiVersion?: string): AsyncGenerator<T>;
  readonly endpoint: string;
}

export async function createArmClient(f: Factory): Promise<ArmClient> {
  const settings = await f.settings();
  const endpoint = settings.armEndpoint.value;
  const { requireTrustedTransport } = await import('./address-trust.ts');
  await requireTrustedTransport(new URL(endpoint), settings.insecure);
  const tokens = await f.entraTokenProvider(`${settings.cloud.armEndpoint}/.default`);
  const transport = await f.transport();
  const debug = (line: string) => f.debug(line);

  async function getJson(url: URL): Promise<Record<string, unknown>> {
    const token = await tokens.getToken();
    registerSecret(token);
    debug(`> GET ${url.href}`);
    const started = Date.now();
    const response = await transport(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(settings.timeoutMs) }).catch((error: unknown) => {
      throw new ApiError(`cannot reach Azure Resource Manager at ${endpoint}: ${describeNetworkError(error)}`, { hint: 'check the network, or the arm-endpoint setting (AOAI_ARM_ENDPOINT)' });
    });
    const text = await readCapped(response);
    debug(`< ${response.status} (${Date.now() - started} ms, ARM request id ${response.headers.get('x-ms-request-id') ?? '-'})`);
    let body: Record<string, unknown>;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      throw new ApiError(`Azure Resource Manager answered HTTP ${response.status} with a body that is not JSON`, { status: response.status });
    }
    if (!response.ok) throw armError(response, body, settings);
    return body;
  }

  return {
    endpoint,
    async *list<T>(path: string, apiVersion = ARM_API_VERSION) {
      let url: URL | undefined = new URL(`${endpoint}${path}`);
      url.searchParams.set('api-version', apiVersion);
      const seen = new Set<string>();
      for (let pages = 0; url && pages < MAX_PAGES; pages++) {
        seen.add(url.href);
        const body = await getJson(url);
        for (const item of (Array.isArray(body.value) ? body.value : []) as T[]) yield item;
        const next = typeof body.nextLink === 'string' ? new URL(body.nextLink) : undefined;
        if (next && next.origin !== new URL(endpoint).origin) throw new ApiError(`Azure Resource Manager sent a next-page link to another host (${next.host}); not following it with a token`);
        if (next && seen.has(next.href)) throw new ApiError('Azure Resource Manager repeated a next-page link; stopping rather than looping');
        url = next;
      }
    },
  };
}

async function readCapped(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ARM_BODY_BYTES) {
      await reader.cancel();
      throw new ApiError(`Azure Resource Manager sent more than ${MAX_ARM_BODY_BYTES / 1024 / 1024} MB for one page`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeNetworkError(error: unknown): string {
  if (error instanceof ApiError || error instanceof AuthError) return error.message;
  const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
  const code = cause?.code ?? (error as NodeJS.ErrnoException).code;
  if ((error as Error).name === 'TimeoutError') return 'no answer in time';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  return code ?? oneLine((error as Error).message ?? String(error));
}

function armError(response: Response, body: Record<string, unknown>, settings: Settings): Error {
  const error = (body.error ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof error.code === 'string' ? error.code : undefined;
  const message = typeof error.message === 'string' ? oneLine(error.message).slice(0, 400) : response.statusText || 'no message';
  const requestId = response.headers.get('x-ms-request-id') ?? undefined;
  const line = `Azure Resource Manager: HTTP ${response.status}${code ? ` (${code})` : ''}`;
  if (response.status === 403) {
    const action = /perform action '([^']+)'/.exec(message)?.[1];
    const scope = /over scope '([^']+)'/.exec(message)?.[1];
    return new AuthError(
      action ? `${line}: the signed-in identity may not ${action}${scope ? ` on ${scope}` : ''}` : `${line}: ${message}`,
      `it needs a role that allows ${action ?? 'reading the resource'}, e.g. "Cognitive Services Usages Reader" or "Reader" on the resource (or its resource group or subscription); an administrator can grant it with az role assignment create`,
    );
  }
  if (response.status === 401) {
    return new AuthError(`${line}: ${message}`, `sign in for ${settings.cloud.name} (e.g. az login), or check --tenant`);
  }
  return new ApiError(`${line}: ${message}${requestId ? ` [request id ${requestId}]` : ''}`, { status: response.status, ...(code ? { code } : {}), ...(requestId ? { requestId } : {}) });
}

export { SUBSCRIPTIONS_API_VERSION };
