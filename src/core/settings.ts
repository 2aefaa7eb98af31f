// Settings resolve here and nowhere else, with one precedence:
// flags > environment > named profile in the config file > defaults.
import { configSetCommand, notInherited } from '../cli/follow-up.ts';
import {
  AUTH_MODES,
  CREDENTIAL_KINDS,
  type AuthMode,
  type CredentialKind,
  normalizeEndpoint,
  oneOf,
  parseLimitMb,
  parseNonNegativeInt,
  parsePositiveNumber,
  validateApiVersion,
  validateResourceName,
  validateProxySetting,
  validateTokenScope,
  normalizeHttpsUrl,
  HEADER_KEY_PREFIX,
} from './config-keys.ts';
import { cloudForEndpoint, type Cloud } from './cloud.ts';
import { expandEnvReferences } from './env-expand.ts';
import { ConfigError, UsageError } from './errors.ts';
import { LIMIT_SETTINGS, MB, maxLimitMb, type LimitKind } from './http-limits.ts';
import type { ProfileValues } from './config-store.ts';

/** Global flags every command accepts (declared once in cli/program.ts). */
export interface GlobalFlags {
  endpoint?: string;
  resource?: string;
  auth?: string;
  credential?: string;
  tenant?: string;
  apiVersion?: string;
  profile?: string;
  timeout?: string;
  maxRetries?: string;
  debug?: boolean;
  apiKeyStdin?: boolean;
  header?: string[];
  proxy?: string;
  insecure?: boolean;
  color?: boolean;
  /** --no-log, declared by the commands that create responses (not global): false skips the local log. */
  log?: boolean;
}

/** Where a value came from, so messages can say exactly what to change. */
export type Source =
  | { kind: 'flag'; name: string }
  | { kind: 'env'; name: string }
  | { kind: 'profile'; profile: string; key: string }
  | { kind: 'default'; why?: string }
  | { kind: 'stdin' }
  | { kind: 'command'; setting: Source };

export function describeSource(source: Source): string {
  switch (source.kind) {
    case 'flag':
      return `the ${source.name} flag`;
    case 'env':
      return `the ${source.name} environment variable`;
    case 'profile':
      return `profile '${source.profile}' (${source.key})`;
    case 'stdin':
      return 'standard input (--api-key-stdin)';
    case 'command':
      return `the output of api-key-command (from ${describeSource(source.setting)})`;
    case 'default':
      return source.why ? `the default (${source.why})` : 'the default';
  }
}

export interface Valued<T> {
  value: T;
  source: Source;
}

export const DEFAULT_TIMEOUT_SECONDS = 600;
export const DEFAULT_MAX_RETRIES = 2;

export interface Settings {
  profile: string;
  endpoint: Valued<string> | undefined;
  /** 'v1' and 'preview' use {endpoint}/openai/v1/; a dated version uses {endpoint}/openai/?api-version=. */
  apiVersion: Valued<string>;
  auth: { mode: 'key'; apiKey: Valued<string> } | { mode: 'entra'; credential: CredentialKind; tenantId: string | undefined; requested: Source };
  deployment: Valued<string> | undefined;
  imageDeployment: Valued<string> | undefined;
  timeoutMs: number;
  maxRetries: number;
  debug: boolean;
  insecure: boolean;
  /** Profile `header.NAME` values, then -H flags; `$VAR` references already expanded. */
  headers: Record<string, string>;
  /** The `proxy` setting; without it HTTPS_PROXY and friends apply (see core/proxy.ts). */
  proxy: Valued<string> | undefined;
  cloud: Cloud;
  /** Entra scope for the data plane: follows the endpoint's cloud unless token-scope is set. */
  tokenScope: Valued<string>;
  /** Entra authority: AZURE_AUTHORITY_HOST, else the endpoint's cloud. */
  authorityHost: Valued<string>;
  armEndpoint: Valued<string>;
  subscription: Valued<string> | undefined;
  resourceGroup: Valued<string> | undefined;
  /** The Entra credential to use wherever a token is needed (ARM always needs one). */
  entra: { credential: CredentialKind; tenantId: string | undefined };
  /** The deployment's quota as the profile or environment gives it (aoai batch run; its flags override). */
  batchLimits: { rpm: number | undefined; tpm: number | undefined };
  /** Size caps on what aoai reads from the service (docs/security.md, Network limits). */
  limits: { maxResponseBytes: number; maxErrorBytes: number; maxEventLineBytes: number; maxSpoolBytes: number };
}

export interface ResolveInput {
  flags: GlobalFlags;
  env: NodeJS.ProcessEnv;
  profileName: string;
  profile: ProfileValues;
  /** The key read from stdin for --api-key-stdin, if any. */
  stdinKey?: string | undefined;
  /** Runs api-key-command (only when no key is given directly) and returns the key it printed. */
  runKeyCommand?: ((command: Valued<string>) => string) | undefined;
}

function pick<T>(candidates: Array<[T | undefined, Source]>): Valued<T> | undefined {
  for (const [value, source] of candidates) {
    if (value !== undefined && value !== '') return { value, source };
  }
  return undefined;
}

const flag = (name: string): Source => ({ kind: 'flag', name });
const envSource = (name: string): Source => ({ kind: 'env', name });

export function resolveSettings({ flags, env, profileName, profile, stdinKey, runKeyCommand }: ResolveInput): Settings {
  const fromProfile = (key: string): Source => ({ kind: 'profile', profile: profileName, key });

  if (flags.endpoint && flags.resource) {
    throw new UsageError('--endpoint and --resource name the same thing; give one of them');
  }
  const rawEndpoint = pick<string>([
    [flags.endpoint, flag('--endpoint')],
    [flags.resource && resourceEndpoint(flags.resource), flag('--resource')],
    [env.AZURE_OPENAI_ENDPOINT, envSource('AZURE_OPENAI_ENDPOINT')],
    [profile.endpoint, fromProfile('endpoint')],
    [profile.resource && resourceEndpoint(profile.resource), fromProfile('resource')],
  ]);
  const endpoint = rawEndpoint && { value: validated(rawEndpoint, normalizeEndpoint), source: rawEndpoint.source };

  const apiVersionRaw = pick<string>([
    [flags.apiVersion, flag('--api-version')],
    [env.OPENAI_API_VERSION, envSource('OPENAI_API_VERSION')],
    [profile['api-version'], fromProfile('api-version')],
  ]) ?? { value: 'v1', source: { kind: 'default' } };
  const apiVersion = { value: validated(apiVersionRaw, validateApiVersion), source: apiVersionRaw.source };

  const authRaw = pick<string>([
    [flags.auth, flag('--auth')],
    [env.AOAI_AUTH, envSource('AOAI_AUTH')],
    [profile.auth, fromProfile('auth')],
  ]) ?? { value: 'auto', source: { kind: 'default' } };
  const authMode = validated(authRaw, (v) => oneOf<AuthMode>('auth', v, AUTH_MODES));

  const keyCommand = pick<string>([
    [env.AOAI_API_KEY_COMMAND, envSource('AOAI_API_KEY_COMMAND')],
    [profile['api-key-command'], fromProfile('api-key-command')],
  ]);
  const wantsKey = authMode === 'key' || authMode === 'auto';
  let apiKey = pick<string>([
    [stdinKey, { kind: 'stdin' }],
    [env.AZURE_OPENAI_API_KEY, envSource('AZURE_OPENAI_API_KEY')],
    [profile['api-key'], fromProfile('api-key')],
  ]);
  if (!apiKey && keyCommand && wantsKey) {
    if (!runKeyCommand) throw new Error('internal: api-key-command without a runner');
    apiKey = { value: runKeyCommand(keyCommand), source: { kind: 'command', setting: keyCommand.source } };
  }

  // The Entra credential is resolved in key mode too: Resource Manager (aoai deployments) takes no key.
  const credentialRaw = pick<string>([
    [flags.credential, flag('--credential')],
    [env.AOAI_CREDENTIAL, envSource('AOAI_CREDENTIAL')],
    [profile.credential, fromProfile('credential')],
  ]);
  const credential = credentialRaw ? validated(credentialRaw, (v) => oneOf<CredentialKind>('credential', v, CREDENTIAL_KINDS)) : 'default';
  const tenantId = pick<string>([
    [flags.tenant, flag('--tenant')],
    [env.AZURE_TENANT_ID, envSource('AZURE_TENANT_ID')],
    [profile.tenant, fromProfile('tenant')],
  ])?.value;

  let auth: Settings['auth'];
  if (authMode === 'key' || (authMode === 'auto' && apiKey)) {
    if (!apiKey) {
      throw new ConfigError(
        `--auth key needs an API key, and none is set`,
        `set AZURE_OPENAI_API_KEY, pipe it with --api-key-stdin, or store it: ${configSetCommand(profileName, 'api-key')}${notInherited(profileName)}`,
      );
    }
    assertHeaderValue(apiKey.value, `the API key (from ${describeSource(apiKey.source)})`, apiKey.source.kind === 'flag' || apiKey.source.kind === 'stdin');
    auth = { mode: 'key', apiKey };
  } else {
    auth = { mode: 'entra', credential, tenantId, requested: authRaw.source };
  }

  const deployment = pick<string>([
    [env.AZURE_OPENAI_DEPLOYMENT, envSource('AZURE_OPENAI_DEPLOYMENT')],
    [env.AZURE_OPENAI_DEPLOYMENT_NAME, envSource('AZURE_OPENAI_DEPLOYMENT_NAME')],
    [profile.deployment, fromProfile('deployment')],
  ]);
  const imageDeployment = pick<string>([
    [env.AZURE_OPENAI_IMAGE_DEPLOYMENT, envSource('AZURE_OPENAI_IMAGE_DEPLOYMENT')],
    [profile['image-deployment'], fromProfile('image-deployment')],
  ]);

  const timeoutRaw = pick<string>([
    [flags.timeout, flag('--timeout')],
    [env.AOAI_TIMEOUT, envSource('AOAI_TIMEOUT')],
    [profile.timeout, fromProfile('timeout')],
  ]);
  const timeoutSeconds = timeoutRaw
    ? validated(timeoutRaw, (v) => parsePositiveNumber('timeout', v))
    : DEFAULT_TIMEOUT_SECONDS;

  const retriesRaw = pick<string>([
    [flags.maxRetries, flag('--max-retries')],
    [env.AOAI_MAX_RETRIES, envSource('AOAI_MAX_RETRIES')],
    [profile['max-retries'], fromProfile('max-retries')],
  ]);
  const maxRetries = retriesRaw ? validated(retriesRaw, (v) => parseNonNegativeInt('max-retries', v)) : DEFAULT_MAX_RETRIES;

  const cloud = cloudForEndpoint(endpoint?.value);
  const cloudDefault = (value: string): Valued<string> => ({ value, source: { kind: 'default', why: `${cloud.name}, from the endpoint` } });
  const scopeRaw = pick<string>([
    [env.AOAI_TOKEN_SCOPE, envSource('AOAI_TOKEN_SCOPE')],
    [profile['token-scope'], fromProfile('token-scope')],
  ]);
  const tokenScope = scopeRaw ? { value: validated(scopeRaw, validateTokenScope), source: scopeRaw.source } : cloudDefault(cloud.scope);
  const authorityRaw = pick<string>([[env.AZURE_AUTHORITY_HOST, envSource('AZURE_AUTHORITY_HOST')]]);
  const authorityHost = authorityRaw
    ? { value: validated(authorityRaw, (v) => normalizeHttpsUrl('AZURE_AUTHORITY_HOST', v)), source: authorityRaw.source }
    : cloudDefault(cloud.authorityHost);
  const armRaw = pick<string>([
    [env.AOAI_ARM_ENDPOINT, envSource('AOAI_ARM_ENDPOINT')],
    [profile['arm-endpoint'], fromProfile('arm-endpoint')],
  ]);
  const armEndpoint = armRaw ? { value: validated(armRaw, (v) => normalizeHttpsUrl('arm-endpoint', v)), source: armRaw.source } : cloudDefault(cloud.armEndpoint);

  const proxyRaw = pick<string>([
    [flags.proxy, flag('--proxy')],
    [env.AOAI_PROXY, envSource('AOAI_PROXY')],
    [profile.proxy, fromProfile('proxy')],
  ]);
  const proxy = proxyRaw && { value: validated(proxyRaw, validateProxySetting), source: proxyRaw.source };
  const limitBytes = (kind: LimitKind): number => {
    const setting = LIMIT_SETTINGS[kind];
    const raw = pick<string>([
      [env[setting.env], envSource(setting.env)],
      [profile[setting.key], fromProfile(setting.key)],
    ]);
    return Math.round((raw ? validated(raw, (v) => parseLimitMb(setting.key, v, maxLimitMb(kind))) : setting.defaultMb) * MB);
  };

  const quota = (key: 'rpm' | 'tpm', name: string): number | undefined => {
    const raw = pick<string>([
      [env[name], envSource(name)],
      [profile[key], fromProfile(key)],
    ]);
    return raw ? validated(raw, (v) => parsePositiveNumber(key, v)) : undefined;
  };

  return {
    profile: profileName,
    endpoint,
    apiVersion,
    auth,
    deployment,
    imageDeployment,
    timeoutMs: Math.round(timeoutSeconds * 1000),
    maxRetries,
    debug: Boolean(flags.debug) || env.AOAI_DEBUG === '1',
    insecure: Boolean(flags.insecure),
    headers: { ...profileHeaders(profile, profileName, env), ...parseHeaders(flags.header ?? [], env) },
    proxy,
    cloud,
    tokenScope,
    authorityHost,
    armEndpoint,
    subscription: pick<string>([
      [env.AZURE_SUBSCRIPTION_ID, envSource('AZURE_SUBSCRIPTION_ID')],
      [profile.subscription, fromProfile('subscription')],
    ]),
    resourceGroup: pick<string>([[profile['resource-group'], fromProfile('resource-group')]]),
    entra: { credential, tenantId },
    batchLimits: { rpm: quota('rpm', 'AOAI_RPM'), tpm: quota('tpm', 'AOAI_TPM') },
    limits: { maxResponseBytes: limitBytes('response'), maxErrorBytes: limitBytes('error'), maxEventLineBytes: limitBytes('event'), maxSpoolBytes: limitBytes('spool') },
  };
}

/** `header.NAME` keys of the profile, a gateway's subscription key for instance. */
function profileHeaders(profile: ProfileValues, profileName: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(profile)) {
    if (value === undefined || !key.toLowerCase().startsWith(HEADER_KEY_PREFIX)) continue;
    const name = key.slice(HEADER_KEY_PREFIX.length).toLowerCase();
    headers[name] = expandEnvReferences(value, env, `header ${name} (profile '${profileName}')`);
  }
  return headers;
}

function resourceEndpoint(name: string): string {
  return `https://${validateResourceName(name)}.openai.azure.com`;
}

/**
 * Validate a value and, when it came from the environment or a profile, say so: a usage error
 * about a flag the user never typed would send them looking in the wrong place.
 */
function validated<T>(raw: Valued<string>, validate: (value: string) => T): T {
  try {
    return validate(raw.value);
  } catch (error) {
    if (error instanceof UsageError && raw.source.kind !== 'flag') {
      throw new ConfigError(`${error.message} (from ${describeSource(raw.source)})`);
    }
    throw error;
  }
}

/** `-H 'Name: value'`, as curl takes them; `$VAR` / `${VAR}` in the value read the environment. */
export function parseHeaders(values: string[], env: NodeJS.ProcessEnv = {}): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const raw of values) {
    const colon = raw.indexOf(':');
    const name = colon > 0 ? raw.slice(0, colon).trim() : '';
    if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new UsageError(`invalid header '${raw.split(':')[0]}': expected 'Name: value'`);
    }
    // The value as typed is checked (a control character is a usage error), then $VAR expanded.
    const typed = raw.slice(colon + 1).trim();
    assertHeaderValue(typed, `header '${name}'`, true);
    headers[name.toLowerCase()] = expandEnvReferences(typed, env, `-H ${name}`);
  }
  return headers;
}

/**
 * A header value must be bytes a request can carry: a control character (a stray newline from
 * `$(cat key.txt)`, a CR from a Windows file) or a character beyond U+00FF would make fetch
 * throw on every attempt, which looks like a network error retried three times. The value is
 * never echoed: it may be a secret.
 */
export function assertHeaderValue(value: string, what: string, isUsage: boolean): void {
  // eslint-disable-next-line no-control-regex -- looking for exactly these characters
  const bad = /[\u0000-\u0008\u000a-\u001f\u007f]|[^\u0000-\u00ff]/.exec(value);
  if (!bad) return;
  const code = bad[0].codePointAt(0)!;
  const character = code < 0x100 ? `control character 0x${code.toString(16).padStart(2, '0')}` : `character U+${code.toString(16).toUpperCase().padStart(4, '0')}, which a header cannot carry,`;
  const message = `${what} contains a ${character} at position ${bad.index + 1}`;
  const hint = 'remove it (a trailing newline from a file is a common cause)';
  throw isUsage ? new UsageError(message, hint) : new ConfigError(message, hint);
}

/** True for a dated or preview version that uses the legacy /openai/responses?api-version= path. */
export function usesDatedPath(apiVersion: string): boolean {
  return apiVersion !== 'v1' && apiVersion !== 'preview';
}

export function baseUrlFor(endpoint: string, apiVersion: string): { baseURL: string; query: Record<string, string> } {
  if (apiVersion === 'v1') return { baseURL: `${endpoint}/openai/v1`, query: {} };
  if (apiVersion === 'preview') return { baseURL: `${endpoint}/openai/v1`, query: { 'api-version': 'preview' } };
  return { baseURL: `${endpoint}/openai`, query: { 'api-version': apiVersion } };
}
