import { describe, expect, it } from 'vitest';
import { baseUrlFor, parseHeaders, resolveSettings, type GlobalFlags } from '../../src/core/settings.ts';
import { ConfigError, UsageError } from '../../src/core/errors.ts';
import type { ProfileValues } from '../../src/core/config-store.ts';

function resolve(flags: GlobalFlags = {}, env: NodeJS.ProcessEnv = {}, profile: ProfileValues = {}, stdinKey?: string) {
  return resolveSettings({ flags, env, profileName: 'default', profile, stdinKey });
}

describe('settings precedence: flags > environment > profile > defaults', () => {
  it('takes the endpoint from the flag over env over profile', () => {
    const profile = { endpoint: 'https://profile.openai.azure.com' };
    const env = { AZURE_OPENAI_ENDPOINT: 'https://env.openai.azure.com', AZURE_OPENAI_API_KEY: 'k'.repeat(10) };
    expect(resolve({ endpoint: 'https://flag.openai.azure.com' }, env, profile).endpoint?.value).toBe('https://flag.openai.azure.com');
    expect(resolve({}, env, profile).endpoint?.value).toBe('https://env.openai.azure.com');
    expect(resolve({}, { AZURE_OPENAI_API_KEY: 'k'.repeat(10) }, profile).endpoint).toMatchObject({
      value: 'https://profile.openai.azure.com',
      source: { kind: 'profile', key: 'endpoint' },
    });
  });

  it('maps --resource NAME to https://NAME.openai.azure.com and refuses both', () => {
    expect(resolve({ resource: 'myres' }, { AZURE_OPENAI_API_KEY: 'x'.repeat(10) }).endpoint?.value).toBe('https://myres.openai.azure.com');
    expect(() => resolve({ resource: 'a', endpoint: 'https://b' })).toThrow(UsageError);
    expect(() => resolve({ resource: 'bad name!' })).toThrow(/invalid resource name/);
  });

  it('normalises pasted endpoints ending in /openai or /openai/v1/', () => {
    const env = { AZURE_OPENAI_API_KEY: 'x'.repeat(10) };
    expect(resolve({ endpoint: 'https://r.openai.azure.com/openai/v1/' }, env).endpoint?.value).toBe('https://r.openai.azure.com');
    expect(resolve({ endpoint: 'https://r.openai.azure.com/openai' }, env).endpoint?.value).toBe('https://r.openai.azure.com');
    expect(resolve({ endpoint: 'https://gw.example.com/aoai/' }, env).endpoint?.value).toBe('https://gw.example.com/aoai');
  });

  it('reports a bad endpoint from the environment as a config error naming the variable', () => {
    expect(() => resolve({}, { AZURE_OPENAI_ENDPOINT: 'not a url' })).toThrow(ConfigError);
    expect(() => resolve({}, { AZURE_OPENAI_ENDPOINT: 'not a url' })).toThrow(/AZURE_OPENAI_ENDPOINT/);
    expect(() => resolve({ endpoint: 'ftp://x' })).toThrow(UsageError);
  });

  it('auto auth uses a key when one is set anywhere, else Entra', () => {
    expect(resolve({}, { AZURE_OPENAI_API_KEY: 'env-key-123' }).auth).toMatchObject({ mode: 'key', apiKey: { value: 'env-key-123' } });
    expect(resolve({}, {}, { 'api-key': 'profile-key-1' }).auth).toMatchObject({ mode: 'key', apiKey: { source: { kind: 'profile' } } });
    expect(resolve({}, {}, {}, 'stdin-key-123').auth).toMatchObject({ mode: 'key', apiKey: { value: 'stdin-key-123', source: { kind: 'stdin' } } });
    expect(resolve({}, {}).auth).toMatchObject({ mode: 'entra', credential: 'default' });
  });

  it('stdin key beats env key beats profile key', () => {
    const s = resolve({}, { AZURE_OPENAI_API_KEY: 'env-key-123' }, { 'api-key': 'profile-key-1' }, 'stdin-key-123');
    expect(s.auth.mode === 'key' && s.auth.apiKey.value).toBe('stdin-key-123');
    const t = resolve({}, { AZURE_OPENAI_API_KEY: 'env-key-123' }, { 'api-key': 'profile-key-1' });
    expect(t.auth.mode === 'key' && t.auth.apiKey.value).toBe('env-key-123');
  });

  it('--auth entra ignores a key; --auth key without one is a config error', () => {
    expect(resolve({ auth: 'entra' }, { AZURE_OPENAI_API_KEY: 'env-key-123' }).auth.mode).toBe('entra');
    expect(() => resolve({ auth: 'key' }, {})).toThrow(ConfigError);
  });

  it('pins the Entra credential from flag, env or profile', () => {
    expect(resolve({ credential: 'cli' }).auth).toMatchObject({ mode: 'entra', credential: 'cli' });
    expect(resolve({}, { AOAI_CREDENTIAL: 'managed-identity' }).auth).toMatchObject({ credential: 'managed-identity' });
    expect(resolve({}, {}, { credential: 'environment', tenant: 't1' }).auth).toMatchObject({ credential: 'environment', tenantId: 't1' });
    expect(() => resolve({}, { AOAI_CREDENTIAL: 'magic' })).toThrow(/AOAI_CREDENTIAL/);
  });

  it('api version: v1 by default, dated from OPENAI_API_VERSION, flag wins', () => {
    expect(resolve().apiVersion.value).toBe('v1');
    expect(resolve({}, { OPENAI_API_VERSION: '2025-04-01-preview' }).apiVersion.value).toBe('2025-04-01-preview');
    expect(resolve({ apiVersion: 'preview' }, { OPENAI_API_VERSION: '2025-04-01-preview' }).apiVersion.value).toBe('preview');
    expect(() => resolve({ apiVersion: 'latest' })).toThrow(UsageError);
  });

  it('deployment from env beats profile', () => {
    expect(resolve({}, { AZURE_OPENAI_DEPLOYMENT: 'gpt-env' }, { deployment: 'gpt-profile' }).deployment?.value).toBe('gpt-env');
    expect(resolve({}, {}, { deployment: 'gpt-profile' }).deployment?.value).toBe('gpt-profile');
  });

  it('timeout and retries: flag > env > profile > defaults, validated', () => {
    expect(resolve().timeoutMs).toBe(600_000);
    expect(resolve().maxRetries).toBe(2);
    expect(resolve({ timeout: '1.5' }, { AOAI_TIMEOUT: '9' }).timeoutMs).toBe(1500);
    expect(resolve({}, { AOAI_TIMEOUT: '9' }, { timeout: '30' }).timeoutMs).toBe(9000);
    expect(resolve({}, {}, { 'max-retries': '0' }).maxRetries).toBe(0);
    expect(() => resolve({ timeout: '-1' })).toThrow(UsageError);
    expect(() => resolve({ maxRetries: 'two' })).toThrow(UsageError);
  });
});

describe('URL forms', () => {
  it('v1 uses /openai/v1 without api-version; dated uses /openai?api-version=', () => {
    expect(baseUrlFor('https://r.openai.azure.com', 'v1')).toEqual({ baseURL: 'https://r.openai.azure.com/openai/v1', query: {} });
    expect(baseUrlFor('https://r.openai.azure.com', 'preview')).toEqual({ baseURL: 'https://r.openai.azure.com/openai/v1', query: { 'api-version': 'preview' } });
    expect(baseUrlFor('https://r.openai.azure.com', '2025-04-01-preview')).toEqual({
      baseURL: 'https://r.openai.azure.com/openai',
      query: { 'api-version': '2025-04-01-preview' },
    });
  });
});

describe('-H headers', () => {
  it('parses Name: value and rejects malformed names', () => {
    expect(parseHeaders(['X-Trace: abc', 'x-other:  d e '])).toEqual({ 'x-trace': 'abc', 'x-other': 'd e' });
    expect(() => parseHeaders(['nocolon'])).toThrow(UsageError);
    expect(() => parseHeaders(['bad name: x'])).toThrow(UsageError);
  });
});
