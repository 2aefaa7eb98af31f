import { describe, expect, it } from 'vitest';
import { CANARY_API_KEY, CANARY_ENTRA_TOKEN } from '../helpers/canaries.ts';
import { recordSecret } from '../helpers/captures.ts';
import { runAoai, sandbox } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { fakeAz } from '../helpers/fake-az.ts';

const ctx = useEmulator();
const lastRequest = () => ctx.emulator.requests.at(-1)!;

/** A sandbox with no API key anywhere, so aoai signs in with Entra ID. */
function entraEnv(extra: Record<string, string | undefined>) {
  return sandbox({ AZURE_OPENAI_ENDPOINT: ctx.emulator.url, ...extra });
}

describe('URL forms and auth headers', () => {
  it('v1 path with the key in the api-key header (no Authorization header)', async () => {
    const result = await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: ctx.env });
    expect(result.code).toBe(0);
    const request = lastRequest();
    expect(request.path).toBe('/openai/v1/responses');
    expect(request.query).toEqual({});
    expect(request.headers['api-key']).toBe(CANARY_API_KEY);
    expect(request.headers.authorization).toBeUndefined();
  });

  it('a dated --api-version uses /openai/responses?api-version=', async () => {
    const result = await runAoai(['create', '-m', 'gpt-4.1', '--api-version', '2025-04-01-preview', 'hi'], { env: ctx.env });
    expect(result.stdout).toBe('Echo: hi\n');
    expect(lastRequest()).toMatchObject({ path: '/openai/responses', query: { 'api-version': '2025-04-01-preview' } });
  });

  it('OPENAI_API_VERSION selects the dated form for every command', async () => {
    const env = { ...ctx.env, OPENAI_API_VERSION: '2025-04-01-preview' };
    const created = JSON.parse((await runAoai(['create', '-m', 'gpt-4.1', '--json', 'hi'], { env })).stdout);
    const got = await runAoai(['get', created.id], { env });
    expect(got.stdout).toBe('Echo: hi\n');
    expect(lastRequest()).toMatchObject({ path: `/openai/responses/${created.id}`, query: { 'api-version': '2025-04-01-preview' } });
  });

  it('--api-version preview stays on the v1 path', async () => {
    await runAoai(['create', '-m', 'gpt-4.1', '--api-version', 'preview', 'hi'], { env: ctx.env });
    expect(lastRequest()).toMatchObject({ path: '/openai/v1/responses', query: { 'api-version': 'preview' } });
  });

  it('--api-key-stdin reads the key from a pipe', async () => {
    const box = sandbox({ AZURE_OPENAI_ENDPOINT: ctx.emulator.url });
    const result = await runAoai(['create', '-m', 'gpt-4.1', '--api-key-stdin', 'hi'], { env: box.env, input: `${CANARY_API_KEY}\n` });
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
    box.cleanup();
  });

  it('a wrong key: exit 3, the status and message, and which credential was used (not its value)', async () => {
    const wrong = 'wrong-key-0123456789abcdef';
    const result = await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: { ...ctx.env, AZURE_OPENAI_API_KEY: wrong } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^aoai: HTTP 401: Access denied due to invalid subscription key or wrong API endpoint\./);
    expect(result.stderr).toMatch(/hint: authenticated with API key from the AZURE_OPENAI_API_KEY environment variable; check that it belongs to http:\/\/127\.0\.0\.1:\d+\n/);
    // A key has no tenant: the tenant hint is for Entra ID only.
    expect(result.stderr).not.toContain('--tenant');
    expect(result.stderr).not.toContain(wrong);
  });
});

describe('Microsoft Entra ID through the real DefaultAzureCredential chain', () => {
  it('signs in with the Azure CLI (fake az on PATH), then reuses the cached token without loading @azure/identity', async () => {
    const az = fakeAz({ token: CANARY_ENTRA_TOKEN });
    const box = entraEnv({ PATH: `${az.dir}:${process.env.PATH}` });
    const first = await runAoai(['create', '-m', 'gpt-4.1', '--debug', 'hi'], { env: box.env });
    expect(first.stderr).toContain('loading @azure/identity');
    expect(first).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
    expect(lastRequest().headers.authorization).toBe(`Bearer ${CANARY_ENTRA_TOKEN}`);
    expect(lastRequest().headers['api-key']).toBeUndefined();
    expect(az.argv()[0]).toEqual(['account', 'get-access-token', '--output', 'json', '--resource', 'https://cognitiveservices.azure.com']);

    const second = await runAoai(['create', '-m', 'gpt-4.1', '--debug', 'again'], { env: box.env });
    expect(second).toMatchObject({ code: 0, stdout: 'Echo: again\n' });
    expect(az.calls()).toBe(1);
    expect(second.stderr).toContain('using cached token');
    expect(second.stderr).not.toContain('loading @azure/identity');
    expect(second.stderr).not.toContain(CANARY_ENTRA_TOKEN);
    box.cleanup();
  });

  it('--credential cli pins the credential (no chain) and passes --tenant', async () => {
    const az = fakeAz({ token: CANARY_ENTRA_TOKEN });
    // A managed identity is available too: the default chain tries it before the Azure CLI, so a
    // token request to it would mean the chain ran.
    const box = entraEnv({
      PATH: `${az.dir}:${process.env.PATH}`,
      AZURE_TOKEN_CREDENTIALS: undefined,
      IDENTITY_ENDPOINT: ctx.emulator.identityEndpoint,
      IDENTITY_HEADER: ctx.emulator.identityHeader,
    });
    const tokenRequestsBefore = ctx.emulator.requests.filter((r) => r.path === '/msi/token').length;
    const result = await runAoai(['create', '-m', 'gpt-4.1', '--credential', 'cli', '--tenant', '11111111-1111-1111-1111-111111111111', 'hi'], { env: box.env });
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
    expect(az.argv()).toHaveLength(1);
    expect(az.argv()[0]).toContain('--tenant');
    expect(ctx.emulator.requests.filter((r) => r.path === '/msi/token').length).toBe(tokenRequestsBefore);
    box.cleanup();
  });

  it('signs in with a managed identity served on loopback (App Service style)', async () => {
    const box = entraEnv({
      AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential',
      IDENTITY_ENDPOINT: ctx.emulator.identityEndpoint,
      IDENTITY_HEADER: ctx.emulator.identityHeader,
    });
    const result = await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: box.env });
    const bearer = lastRequest().headers.authorization ?? '';
    if (bearer) recordSecret(bearer.replace(/^Bearer /, ''));
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
    expect(bearer).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(ctx.emulator.requests.some((r) => r.path === '/msi/token')).toBe(true);
    box.cleanup();
  });

  it('batch run signs in once and sends the token with every request (over the http agent, bulk-fetch.ts)', async () => {
    const box = entraEnv({
      AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential',
      IDENTITY_ENDPOINT: ctx.emulator.identityEndpoint,
      IDENTITY_HEADER: ctx.emulator.identityHeader,
      OPENAI_API_VERSION: '2025-04-01-preview',
    });
    const tokensBefore = ctx.emulator.requests.filter((r) => r.path === '/msi/token').length;
    const before = ctx.emulator.requests.length;
    const result = await runAoai(['batch', 'run', '-m', 'gpt-4.1', '--order', 'input', '-'], { env: box.env, input: 'one\ntwo\nthree\n' });
    const sent = ctx.emulator.requests.slice(before).filter((r) => r.method === 'POST' && r.path.endsWith('/responses'));
    for (const r of sent) if (r.headers.authorization) recordSecret(r.headers.authorization.replace(/^Bearer /, ''));
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(3);
    expect(sent).toHaveLength(3);
    // The dated form, with the Entra token and no key.
    expect(sent.every((r) => r.path === '/openai/responses' && r.query['api-version'] === '2025-04-01-preview')).toBe(true);
    expect(sent.every((r) => /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(r.headers.authorization ?? '') && r.headers['api-key'] === undefined)).toBe(true);
    expect(ctx.emulator.requests.filter((r) => r.path === '/msi/token').length - tokensBefore).toBe(1);
    box.cleanup();
  });

  it('--credential managed-identity works without AZURE_TOKEN_CREDENTIALS', async () => {
    const box = entraEnv({ AZURE_TOKEN_CREDENTIALS: undefined, IDENTITY_ENDPOINT: ctx.emulator.identityEndpoint, IDENTITY_HEADER: ctx.emulator.identityHeader });
    const result = await runAoai(['get', 'resp_missing', '--credential', 'managed-identity'], { env: box.env });
    const bearer = lastRequest().headers.authorization ?? '';
    if (bearer) recordSecret(bearer.replace(/^Bearer /, ''));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/HTTP 404/);
    box.cleanup();
  });

  it('a failed sign-in says exactly what to do, exit 3', async () => {
    const az = fakeAz({ fail: 'login' });
    const box = entraEnv({ PATH: `${az.dir}:${process.env.PATH}` });
    const result = await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: box.env });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^aoai: could not sign in with Microsoft Entra ID \(DefaultAzureCredential \(AZURE_TOKEN_CREDENTIALS=AzureCliCredential\)\): .*az login/);
    expect(result.stderr).toMatch(/\nhint: set AZURE_OPENAI_API_KEY, run 'az login', or pin a credential with --credential/);
    box.cleanup();
  });

  it('a token the service rejects: exit 3 naming the credential', async () => {
    const az = fakeAz({ token: 'not-a-valid-token-for-the-emulator' });
    const box = entraEnv({ PATH: `${az.dir}:${process.env.PATH}` });
    const result = await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: box.env });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/HTTP 401: Unauthorized\. Access token is missing, invalid/);
    expect(result.stderr).toMatch(/\nhint: authenticated with Microsoft Entra ID via DefaultAzureCredential \(AZURE_TOKEN_CREDENTIALS=AzureCliCredential\); check that it belongs to http:\/\/127\.0\.0\.1:\d+ \(and the tenant, --tenant\)\n/);
    // The rejected cached token was dropped and a fresh one tried once: az ran twice.
    expect(az.calls()).toBe(2);
    box.cleanup();
  });
});
