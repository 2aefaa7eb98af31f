// The settings a profile can hold, with validation shared by `aoai config set` and resolution.
import { UsageError } from './errors.ts';
import { LIMIT_SETTINGS, MAX_LIMIT_MB, MAX_SPOOL_LIMIT_MB } from './http-limits.ts';

export const AUTH_MODES = ['key', 'entra', 'auto'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export const CREDENTIAL_KINDS = ['default', 'cli', 'managed-identity', 'workload-identity', 'environment'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** What the local log (aoai log, docs/log.md) keeps for a profile. */
export const LOG_MODES = ['off', 'ids-only', 'full'] as const;
export type LogMode = (typeof LOG_MODES)[number];

export function isLogMode(value: string): value is LogMode {
  return (LOG_MODES as readonly string[]).includes(value);
}

export interface ConfigKeySpec {
  description: string;
  secret?: boolean;
  env?: string;
  validate?: (value: string) => string;
}

export const CONFIG_KEYS = {
  endpoint: {
    description: 'Resource endpoint, e.g. https://myres.openai.azure.com',
    env: 'AZURE_OPENAI_ENDPOINT',
    validate: (v: string) => normalizeEndpoint(v),
  },
  resource: {
    description: 'Resource name; short for endpoint https://NAME.openai.azure.com',
    validate: (v: string) => validateResourceName(v),
  },
  deployment: {
    description: 'Default deployment (the model name for -m/--model)',
    env: 'AZURE_OPENAI_DEPLOYMENT',
  },
  'image-deployment': {
    description: 'Image-generation deployment sent as x-ms-oai-image-generation-deployment',
    env: 'AZURE_OPENAI_IMAGE_DEPLOYMENT',
  },
  'api-key': {
    description: 'API key (read from stdin or a hidden prompt, never from argv)',
    env: 'AZURE_OPENAI_API_KEY',
    secret: true,
  },
  auth: {
    description: `Authentication: ${AUTH_MODES.join('|')} (auto: key if one is set, else Entra ID)`,
    validate: (v: string) => oneOf('auth', v, AUTH_MODES),
  },
  credential: {
    description: `Entra credential: ${CREDENTIAL_KINDS.join('|')}`,
    validate: (v: string) => oneOf('credential', v, CREDENTIAL_KINDS),
  },
  tenant: {
    description: 'Entra tenant id for sign-in',
    env: 'AZURE_TENANT_ID',
  },
  'api-version': {
    description: 'v1 (default), preview, or a dated version such as 2025-04-01-preview',
    env: 'OPENAI_API_VERSION',
    validate: (v: string) => validateApiVersion(v),
  },
  timeout: {
    description: 'Seconds each request attempt may take',
    validate: (v: string) => String(parsePositiveNumber('timeout', v)),
  },
  'max-retries': {
    description: 'Retries for rate limits, 5xx and dropped connections',
    validate: (v: string) => String(parseNonNegativeInt('max-retries', v)),
  },
  rpm: {
    description: "Requests per minute of the deployment's quota; aoai batch run stays within it (--rpm)",
    env: 'AOAI_RPM',
    validate: (v: string) => String(parsePositiveNumber('rpm', v)),
  },
  tpm: {
    description: "Tokens per minute of the deployment's quota; aoai batch run stays within it (--tpm)",
    env: 'AOAI_TPM',
    validate: (v: string) => String(parsePositiveNumber('tpm', v)),
  },
  proxy: {
    description: 'HTTP(S) proxy for every request, e.g. http://proxy:3128 (overrides HTTPS_PROXY)',
    env: 'AOAI_PROXY',
    validate: (v: string) => validateProxySetting(v),
  },
  'api-key-command': {
    description: 'Command whose output is the API key (a keychain, pass, az keyvault …)',
    env: 'AOAI_API_KEY_COMMAND',
  },
  'token-scope': {
    description: 'Entra token scope (default: follows the endpoint\'s cloud)',
    env: 'AOAI_TOKEN_SCOPE',
    validate: (v: string) => validateTokenScope(v),
  },
  'arm-endpoint': {
    description: 'Azure Resource Manager endpoint (default: follows the cloud)',
    env: 'AOAI_ARM_ENDPOINT',
    validate: (v: string) => normalizeHttpsUrl('arm-endpoint', v),
  },
  subscription: {
    description: 'Subscription id of the resource (aoai deployments; found by lookup if unset)',
    env: 'AZURE_SUBSCRIPTION_ID',
  },
  'resource-group': {
    description: 'Resource group of the resource (aoai deployments; found by lookup if unset)',
  },
  'max-response-mb': {
    description: `Largest response body aoai reads, in MB (default ${LIMIT_SETTINGS.response.defaultMb})`,
    env: LIMIT_SETTINGS.response.env,
    validate: (v: string) => String(parseLimitMb('max-response-mb', v)),
  },
  'max-error-mb': {
    description: `Largest error body aoai reads, in MB (default ${LIMIT_SETTINGS.error.defaultMb})`,
    env: LIMIT_SETTINGS.error.env,
    validate: (v: string) => String(parseLimitMb('max-error-mb', v)),
  },
  'max-event-mb': {
    description: `Largest single event-stream line, in MB (default ${LIMIT_SETTINGS.event.defaultMb})`,
    env: LIMIT_SETTINGS.event.env,
    validate: (v: string) => String(parseLimitMb('max-event-mb', v)),
  },
  'max-spool-mb': {
    description: `Largest image data held on disk until saved, in MB (default ${LIMIT_SETTINGS.spool.defaultMb})`,
    env: LIMIT_SETTINGS.spool.env,
    validate: (v: string) => String(parseLimitMb('max-spool-mb', v, MAX_SPOOL_LIMIT_MB)),
  },
  log: {
    description: `Local log of responses (aoai log): ${LOG_MODES.join('|')} (default full; ids-only keeps no prompt or output)`,
    env: 'AOAI_LOG',
    validate: (v: string) => oneOf('log', v, LOG_MODES),
  },
} satisfies Record<string, ConfigKeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;
export const CONFIG_KEY_NAMES = Object.keys(CONFIG_KEYS) as ConfigKey[];

export function isConfigKey(name: string): name is ConfigKey {
  return Object.hasOwn(CONFIG_KEYS, name);
}

/** Gateway headers stored in a profile: `header.NAME` (e.g. header.Ocp-Apim-Subscription-Key). */
export const HEADER_KEY_PREFIX = 'header.';
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function headerKeyName(key: string): string | undefined {
  if (!key.toLowerCase().startsWith(HEADER_KEY_PREFIX)) return undefined;
  const name = key.slice(HEADER_KEY_PREFIX.length);
  if (!HEADER_NAME.test(name)) throw new UsageError(`invalid header name in '${key}': expected header.NAME with a valid HTTP header name`);
  return name.toLowerCase();
}

/** The spec of a settable key: a fixed key, or `header.NAME` (secret when the name looks secret). */
export function configKeySpec(key: string, isSecretHeader: (name: string) => boolean): ConfigKeySpec | undefined {
  if (isConfigKey(key)) return CONFIG_KEYS[key];
  const header = headerKeyName(key);
  if (header === undefined) return undefined;
  return {
    description: `gateway header ${header}`,
    secret: isSecretHeader(header),
    validate: (v: string) => {
      // eslint-disable-next-line no-control-regex -- control characters are what this refuses
      if (/[\x00-\x08\x0a-\x1f\x7f]/.test(v)) throw new UsageError(`${key}: the value contains a control character`);
      return v;
    },
  };
}

export function validateProxySetting(value: string): string {
  parseProxyText(value);
  return value.trim();
}

/**
 * `http://host:port`, `https://…`, or a bare `host:port` (taken as http, as curl does). Error
 * messages never repeat credentials given in the URL.
 */
export function parseProxyText(value: string): URL {
  const text = value.trim();
  const shown = text.replace(/\/\/[^/@]*@/, '//***@');
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new UsageError(`invalid proxy '${shown}': expected a URL such as http://proxy.example.com:3128`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`invalid proxy '${shown}': expected an http:// or https:// proxy`);
  if (!url.hostname) throw new UsageError(`invalid proxy '${shown}': no host`);
  return url;
}

export function validateTokenScope(value: string): string {
  const text = value.trim();
  if (!/^(https?:\/\/|api:\/\/)\S+$/.test(text) && !/^[0-9a-f-]{36}\/\.default$/i.test(text)) {
    throw new UsageError(`invalid token-scope '${text}': expected a scope such as https://cognitiveservices.azure.com/.default`);
  }
  return text;
}

export function normalizeHttpsUrl(what: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UsageError(`invalid ${what} '${value}': expected a URL such as https://management.azure.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`invalid ${what} '${value}': expected an https:// URL`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function oneOf<T extends string>(what: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`invalid ${what} '${value}': expected one of ${allowed.join(', ')}`);
}

export function parsePositiveNumber(what: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`invalid ${what} '${value}': expected a positive number`);
  }
  return n;
}

/** A size cap in MB: positive, fractions allowed, at most `max` (MAX_LIMIT_MB for caps on what is held in memory). */
export function parseLimitMb(what: string, value: string, max = MAX_LIMIT_MB): number {
  const n = parsePositiveNumber(what, value);
  if (n > max) throw new UsageError(`invalid ${what} '${value}': at most ${max}${max === MAX_LIMIT_MB ? ' (a body is read into one string)' : ''}`);
  return n;
}

export function parseNonNegativeInt(what: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`invalid ${what} '${value}': expected a whole number ≥ 0`);
  return Number(value);
}

export function parsePositiveInt(what: string, value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw new UsageError(`invalid ${what} '${value}': expected a whole number ≥ 1`);
  }
  return Number(value);
}

const DATED_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

export function validateApiVersion(value: string): string {
  if (value === 'v1' || value === 'preview' || DATED_VERSION.test(value)) return value;
  throw new UsageError(
    `invalid api-version '${value}': expected v1, preview, or a dated version such as 2025-04-01-preview`,
  );
}

export function validateResourceName(value: string): string {
  // Azure resource names: letters, digits and hyphens, 2–64 characters, no leading/trailing hyphen.
  if (!/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,62}[a-zA-Z0-9])?$/.test(value)) {
    throw new UsageError(`invalid resource name '${value}': expected letters, digits and hyphens`);
  }
  return value;
}

/**
 * Accept what people paste: the bare resource URL, or one ending in /openai or /openai/v1.
 * Returns the origin plus any path prefix (an API gateway may put the service below a path).
 */
export function normalizeEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UsageError(`invalid endpoint '${value}': expected a URL such as https://myres.openai.azure.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`invalid endpoint '${value}': expected an http(s) URL`);
  }
  if (url.username || url.password) {
    throw new UsageError('invalid endpoint: credentials in the URL are not supported; use an API key or Entra ID');
  }
  if (url.search || url.hash) {
    throw new UsageError(`invalid endpoint '${value}': remove the query string; use --api-version for versions`);
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/openai(\/v1)?$/, '');
  return `${url.origin}${path}`;
}
