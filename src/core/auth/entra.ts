// Microsoft Entra ID sign-in. @azure/identity is imported only when no cached token is fresh:
// loading it costs 300–400 ms, more than the request itself.
import type { TokenCredential } from '@azure/identity';
import type { CredentialKind } from '../config-keys.ts';
import { AuthError, oneLine } from '../errors.ts';
import { registerSecret } from '../redact.ts';
import { ENTRA_SCOPE } from '../settings.ts';
import { TokenCache, isFresh, tokenCacheKey, type CachedToken } from './token-cache.ts';

export interface EntraOptions {
  credential: CredentialKind;
  tenantId: string | undefined;
  env: NodeJS.ProcessEnv;
  cacheDir: string;
  /** Called with a line for --debug output (never the token). */
  debug?: ((line: string) => void) | undefined;
}

export interface TokenProvider {
  /** A valid access token, from memory, the disk cache, or the credential. */
  getToken(): Promise<string>;
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
  const key = tokenCacheKey({
    credential: options.credential === 'default' ? `default:${options.env.AZURE_TOKEN_CREDENTIALS ?? ''}` : options.credential,
    tenantId: options.tenantId,
    clientId: options.env.AZURE_CLIENT_ID,
    scope: ENTRA_SCOPE,
  });
  let memory: CachedToken | undefined;
  let credential: TokenCredential | undefined;
  let pending: Promise<string> | undefined;
  const description = describeCredential(options);

  async function signIn(): Promise<string> {
    if (!credential) {
      options.debug?.(`entra: loading @azure/identity for ${description}`);
      credential = await buildCredential(options);
    }
    const started = Date.now();
    let accessToken;
    try {
      accessToken = await credential.getToken(ENTRA_SCOPE);
    } catch (error) {
      throw signInError(options, error);
    }
    if (!accessToken?.token) throw signInError(options, new Error('the credential returned no token'));
    registerSecret(accessToken.token);
    options.debug?.(`entra: ${description} issued a token in ${Date.now() - started} ms (expires ${new Date(accessToken.expiresOnTimestamp).toISOString()})`);
    memory = { token: accessToken.token, expiresOn: accessToken.expiresOnTimestamp, obtainedAt: Date.now() };
    if (!noDiskCache) cache.write(key, memory);
    return memory.token;
  }

  return {
    description,
    async getToken() {
      if (memory && isFresh(memory)) return memory.token;
      if (!noDiskCache) {
        const cached = cache.read(key);
        if (cached && isFresh(cached)) {
          registerSecret(cached.token);
          memory = cached;
          options.debug?.(`entra: using cached token (expires ${new Date(cached.expiresOn).toISOString()})`);
          return cached.token;
        }
      }
      // Parallel requests share one sign-in.
      pending ??= signIn().finally(() => {
        pending = undefined;
      });
      return pending;
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
  try {
    switch (options.credential) {
      case 'cli':
        return new identity.AzureCliCredential(tenantId ? { tenantId } : {});
      case 'managed-identity':
        return clientId ? new identity.ManagedIdentityCredential({ clientId }) : new identity.ManagedIdentityCredential();
      case 'workload-identity':
        return new identity.WorkloadIdentityCredential(tenantId ? { tenantId } : {});
      case 'environment':
        return new identity.EnvironmentCredential();
      case 'default':
        return new identity.DefaultAzureCredential(tenantId ? { tenantId } : {});
    }
  } catch (error) {
    throw signInError(options, error);
  }
}

function signInError(options: EntraOptions, error: unknown): AuthError {
  const reason = oneLine(error instanceof Error ? error.message : String(error));
  const short = reason.length > 400 ? `${reason.slice(0, 397)}...` : reason;
  return new AuthError(
    `could not sign in with Microsoft Entra ID (${describeCredential(options)}): ${short}`,
    hintFor(options.credential),
  );
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
