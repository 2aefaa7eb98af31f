// The settings a profile can hold, with validation shared by `aoai config set` and resolution.
import { UsageError } from './errors.ts';
import { LIMIT_SETTINGS, MAX_LIMIT_MB } from './http-limits.ts';

export const AUTH_MODES = ['key', 'entra', 'auto'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export const CREDENTIAL_KINDS = ['default', 'cli', 'managed-identity', 'workload-identity', 'environment'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

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
} satisfies Record<string, ConfigKeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;
export const CONFIG_KEY_NAMES = Object.keys(CONFIG_KEYS) as ConfigKey[];

export function isConfigKey(name: string): name is ConfigKey {
  return Object.hasOwn(CONFIG_KEYS, name);
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

/** A size cap in MB: positive, fractions allowed, at most MAX_LIMIT_MB. */
export function parseLimitMb(what: string, value: string): number {
  const n = parsePositiveNumber(what, value);
  if (n > MAX_LIMIT_MB) throw new UsageError(`invalid ${what} '${value}': at most ${MAX_LIMIT_MB} (a body is read into one string)`);
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
