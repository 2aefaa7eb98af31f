// Microsoft Entra ID sign-in. @azure/identity is imported only when no cached token is fresh:
// loading it costs 300–400 ms, more than the request itself.
import type { TokenCredential } from '@azure/identity';
import type { CredentialKind } from '../config-keys.ts';
import { AuthError } from '../errors.ts';
import { registerSecret } from '../redact.ts';
import { describeSignInFailure } from './sign-in-errors.ts';
import { identityFingerprint } from './identity.ts';
import { TokenCache, isFresh, tokenCacheKey, type CachedToken } from './token-cache.ts';

export interface EntraOptions {
  credential: CredentialKind;
  tenantId: string | undefined;
  env: NodeJS.ProcessEnv;
  cacheDir: string;
  /** The scope to ask for: follows the endpoint's cloud (or the token-scope setting). */
  scope: string;
  /** Entra authority for sign-in (AZURE_AUTHORITY_HOST, else the endpoint's cloud). */
  authorityHost?: string | undefined;
  /** The `proxy` setting, passed to @azure/identity (which reads HTTPS_PROXY itself otherwise). */
  proxy?: URL | undefined;
  /** Called with a line for --debug output (never the token). */
  debug?: ((line: string) => void) | undefined;
}

/** What `auth status` shows about a token: never the token itself. */
export interface TokenDetails {
  token: string;
  expiresOn: number;
  /** Where it came from this time. */
  from: 'memory' | 'disk cache' | 'sign-in';
  /** The credential that issued it (the chain member that succeeded, when known). */
  issuedBy: string | undefined;
}

export interface TokenProvider {
  /** A valid access token, from memory, the disk cache, or the credential. */
  getToken(): Promise<string>;
  getTokenDetails(): Promise<TokenDetails>;
  /** Forget the cached token (after a 401) so the next getToken signs in again. */
  invalidate(): void;
  readonly description: string;
}

export const CREDENTIAL_CLASS: Record<CredentialKind, string> = {
  default: 'DefaultAzureCredential',
  cli: 'AzureCliCredential',
  'managed-identity': 'ManagedIdentityCredential',
  'workload-identity': 'WorkloadIdentityCredential',
  environment: 'EnvironmentCredential',
};

export function createEntraTokenProvider(options: EntraOptions): TokenProvider {
  const cache = new TokenCache(options.cacheDir);
  const noDiskCache = options.env.AOAI_NO_TOKEN_CACHE === '1';
  // Keyed by the signed-in identity too: after `az login` as someone else (or another
  // AZURE_CLIENT_ID) the previous identity's token is never reused; and by scope, so a
  // government-cloud endpoint never receives a public-cloud token.
  const key = tokenCacheKey({
    credential: options.credential === 'default' ? `default:${options.env.AZURE_TOKEN_CREDENTIALS ?? ''}` : options.credential,
    tenantId: options.tenantId,
    clientId: options.env.AZURE_CLIENT_ID,
    scope: options.scope,
    identity: identityFingerprint(options.credential, options.env),
    authority: options.authorityHost ?? '',
  });
  let memory: CachedToken | undefined;
  let memoryFrom: TokenDetails['from'] = 'sign-in';
  let credential: TokenCredential | undefined;
  let pending: Promise<CachedToken> | undefined;
  const description = describeCredential(options);

  async function signIn(): Promise<CachedToken> {
    const { trackSuccessfulCredential } = await import('./sign-in-log.ts');
    const log = await trackSuccessfulCredential(options.debug);
    if (!credential) {
      options.debug?.(`entra: loading @azure/identity for ${description} (scope ${options.scope})`);
      credential = await buildCredential(options);
    }
    const started = Date.now();
    let accessToken;
    try {
      accessToken = await credential.getToken(options.scope);
    } catch (error) {
      throw signInError(options, error);
    } finally {
      log.stop();
    }
    if (!accessToken?.token) throw signInError(options, new Error('the credential returned no token'));
    registerSecret(accessToken.token);
    const issuedBy = log.successful() ?? (options.credential === 'default' ? undefined : CREDENTIAL_CLASS[options.credential]);
    options.debug?.(`entra: ${issuedBy ?? description} issued a token in ${Date.now() - started} ms (expires ${new Date(accessToken.expiresOnTimestamp).toISOString()})`);
    memory = { token: accessToken.token, expiresOn: accessToken.expiresOnTimestamp, obtainedAt: Date.now(), issuedBy };
    memoryFrom = 'sign-in';
    if (!noDiskCache) cache.write(key, memory);
    return memory;
  }

  async function current(): Promise<CachedToken> {
    if (memory && isFresh(memory)) return memory;
    if (!noDiskCache) {
      const cached = cache.read(key);
      if (cached && isFresh(cached)) {
        registerSecret(cached.token);
        memory = cached;
        memoryFrom = 'disk cache';
        options.debug?.(`entra: using cached token (expires ${new Date(cached.expiresOn).toISOString()})`);
        return cached;
      }
    }
    // Parallel requests share one sign-in.
    pending ??= signIn().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  return {
    description,
    async getToken() {
      return (await current()).token;
    },
    async getTokenDetails() {
      const token = await current();
      return { token: token.token, expiresOn: token.expiresOn, from: memoryFrom, issuedBy: token.issuedBy };
    },
    invalidate() {
      memory = undefined;
      cache.remove(key);
    },
  };
}

function describeCredential(options: EntraOptions): string {
  const name = CREDENTIAL_CLASS[options.credential];
  if (options.credential === 'default' && options.env.AZURE_TOKEN_CREDENTIALS) {
    return `${name} (AZURE_TOKEN_CREDENTIALS=${options.env.AZURE_TOKEN_CREDENTIALS})`;
  }
  return name;
}

async function buildCredential(options: EntraOptions): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  const tenantId = options.tenantId;
  const clientId = options.env.AZURE_CLIENT_ID;
  // Sign-in takes the same route as the API calls: with the `proxy` setting, it is passed on;
  // otherwise @azure/identity reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY itself.
  const common = {
    ...(options.authorityHost ? { authorityHost: options.authorityHost } : {}),
    ...(options.proxy ? { proxyOptions: proxyOptionsFor(options.proxy) } : {}),
  };
  const withTenant = { ...common, ...(tenantId ? { tenantId } : {}) };
  try {
    switch (options.credential) {
      case 'cli':
        return new identity.AzureCliCredential(withTenant);
      case 'managed-identity':
        return clientId ? new identity.ManagedIdentityCredential({ ...common, clientId }) : new identity.ManagedIdentityCredential(common);
      case 'workload-identity':
        return new identity.WorkloadIdentityCredential(withTenant);
      case 'environment':
        return new identity.EnvironmentCredential(common);
      case 'default':
        return new identity.DefaultAzureCredential(withTenant);
    }
  } catch (error) {
    throw signInError(options, error);
  }
}

function proxyOptionsFor(proxy: URL) {
  return {
    host: `${proxy.protocol}//${proxy.hostname}`,
    port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
    ...(proxy.username ? { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) } : {}),
  };
}

function signInError(options: EntraOptions, error: unknown): AuthError {
  const failure = describeSignInFailure(error, options.credential);
  options.debug?.(`entra: sign-in failed; full text: ${error instanceof Error ? error.message : String(error)}`);
  return new AuthError(`could not sign in with Microsoft Entra ID (${describeCredential(options)}): ${failure.reason}`, failure.hint ?? hintFor(options.credential));
}

function hintFor(kind: CredentialKind): string {
  switch (kind) {
    case 'cli':
      return "run 'az login', or set AZURE_OPENAI_API_KEY to use a key instead";
    case 'managed-identity':
      return 'run where a managed identity is assigned (set AZURE_CLIENT_ID for a user-assigned one), or set AZURE_OPENAI_API_KEY';
    case 'workload-identity':
      return 'set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE, or set AZURE_OPENAI_API_KEY';
    case 'environment':
      return 'set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH), or set AZURE_OPENAI_API_KEY';
    case 'default':
      return "set AZURE_OPENAI_API_KEY, run 'az login', or pin a credential with --credential cli|managed-identity|workload-identity|environment";
  }
}
