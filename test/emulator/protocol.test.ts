// URL forms, api-version, auth, the managed-identity endpoint and the admin routes.
import { describe, expect, it } from 'vitest';
import { KEY, useTestEmulator } from './helpers.ts';

const ctx = useTestEmulator({ acceptTokens: ['verbatim-token-abcdef'] });
const create = (path: string, headers: Record<string, string> = { 'api-key': KEY }) =>
  fetch(`${ctx.emulator.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model: 'gpt-4.1', input: 'hi' }) });

describe('URL forms and api-version', () => {
  it('serves the v1 path with or without api-version=v1|preview', async () => {
    for (const query of ['', '?api-version=v1', '?api-version=preview']) {
      const res = await create(`/openai/v1/responses${query}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('apim-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('rejects another api-version on the v1 path with 400', async () => {
    const res = await create('/openai/v1/responses?api-version=2024-10-21');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'BadRequest', message: 'API version not supported' } });
  });

  it('serves the dated form with a preview api-version, 404 without one', async () => {
    expect((await create('/openai/responses?api-version=2025-04-01-preview')).status).toBe(200);
    for (const query of ['', '?api-version=banana', '?api-version=2024-02-01']) {
      const res = await create(`/openai/responses${query}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: '404', message: 'Resource not found' } });
    }
  });

  it("answers unknown paths and methods with Azure's 404 body", async () => {
    for (const [method, path] of [['GET', '/'], ['GET', '/openai/v1/chat/completions'], ['PUT', '/openai/v1/responses']] as const) {
      const res = await fetch(`${ctx.emulator.url}${path}`, { method, headers: { 'api-key': KEY } });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: '404', message: 'Resource not found' } });
    }
  });
});

describe('auth', () => {
  it('accepts the key in api-key or as a Bearer token', async () => {
    expect((await create('/openai/v1/responses', { 'api-key': KEY })).status).toBe(200);
    expect((await create('/openai/v1/responses', { authorization: `Bearer ${KEY}` })).status).toBe(200);
  });

  it('answers a missing or wrong key with the service 401 bodies', async () => {
    const missing = await create('/openai/v1/responses', {});
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/^Access denied due to missing subscription key/);
    const wrong = await create('/openai/v1/responses', { 'api-key': 'wrong' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: '401', message: expect.stringMatching(/^Access denied due to invalid subscription key or wrong API endpoint/) } });
  });

  it('accepts tokens it issued and verbatim accepted tokens; rejects expired and forged ones', async () => {
    const { token, expiresOn } = ctx.emulator.issueToken();
    expect(expiresOn).toBeGreaterThan(Date.now() / 1000);
    expect((await create('/openai/v1/responses', { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await create('/openai/v1/responses', { authorization: 'Bearer verbatim-token-abcdef' })).status).toBe(200);
    const expired = ctx.emulator.issueToken({ expiresInSeconds: -10 }).token;
    const forged = `${token.split('.').slice(0, 2).join('.')}.AAAA`;
    for (const bad of [expired, forged, 'not-a-jwt']) {
      const res = await create('/openai/v1/responses', { authorization: `Bearer ${bad}` });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^Unauthorized\. Access token is missing, invalid/);
    }
  });
});

describe('managed-identity endpoint (App Service style)', () => {
  const msi = (query: string, header?: string) =>
    fetch(`${ctx.emulator.identityEndpoint}?${query}`, { headers: header === undefined ? {} : { 'X-IDENTITY-HEADER': header } });

  it('issues a token for Cognitive Services the way msal-node reads it', async () => {
    const res = await msi('api-version=2019-08-01&resource=https%3A%2F%2Fcognitiveservices.azure.com', ctx.emulator.identityHeader);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; expires_on: string; token_type: string };
    expect(body.token_type).toBe('Bearer');
    expect(Number(body.expires_on)).toBeGreaterThan(Date.now() / 1000);
    expect((await create('/openai/v1/responses', { authorization: `Bearer ${body.access_token}` })).status).toBe(200);
  });

  it('requires the identity header and the right resource', async () => {
    expect((await msi('api-version=2019-08-01&resource=https://cognitiveservices.azure.com')).status).toBe(401);
    expect((await msi('api-version=2019-08-01&resource=https://cognitiveservices.azure.com', 'wrong')).status).toBe(401);
    expect((await msi('api-version=2019-08-01&resource=https://management.azure.com', ctx.emulator.identityHeader)).status).toBe(400);
  });
});

describe('request log and admin routes', () => {
  it('records every request; /_emulator/requests redacts secret headers', async () => {
    await create('/openai/v1/responses', { 'api-key': KEY, 'x-trace': 'abc' });
    const entry = ctx.emulator.requests.at(-1)!;
    expect(entry).toMatchObject({ method: 'POST', path: '/openai/v1/responses', status: 200, body: { model: 'gpt-4.1', input: 'hi' } });
    expect(entry.headers['api-key']).toBe(KEY);
    const log = (await (await fetch(`${ctx.emulator.url}/_emulator/requests`)).json()) as Array<{ headers: Record<string, string> }>;
    const text = JSON.stringify(log);
    expect(text).not.toContain(KEY);
    expect(log.at(-1)!.headers['x-trace']).toBe('abc');
    expect(log.at(-1)!.headers['api-key']).toBe('[redacted]');
  });

  it('/_emulator/requests redacts MCP tool header values and secret-looking headers, as the CLI does', async () => {
    const mcpToken = 'Bearer mcp-secret-0123456789';
    const body = {
      model: 'gpt-4.1',
      input: 'hi',
      tools: [
        { type: 'mcp', server_label: 'calc', server_url: 'https://mcp.example.com/sse', require_approval: 'never', headers: { Authorization: mcpToken, 'X-Team': 'cli' } },
        { type: 'function', name: 'f', parameters: {} },
      ],
    };
    await fetch(`${ctx.emulator.url}/openai/v1/responses`, {
      method: 'POST',
      headers: { 'api-key': KEY, 'content-type': 'application/json', 'x-ms-client-password': 'hunter2-password', 'ocp-apim-subscription-key': 'apim-secret-value', 'x-trace': 'abc' },
      body: JSON.stringify(body),
    });
    const log = (await (await fetch(`${ctx.emulator.url}/_emulator/requests`)).json()) as Array<{ headers: Record<string, string>; body: typeof body }>;
    const text = JSON.stringify(log);
    for (const secret of [mcpToken, 'hunter2-password', 'apim-secret-value', KEY]) expect(text).not.toContain(secret);
    const last = log.at(-1)!;
    expect(last.body.tools[0]!.headers).toEqual({ Authorization: '[redacted]', 'X-Team': '[redacted]' });
    expect(last.body.tools[1]).toEqual(body.tools[1]);
    expect(last.headers['x-trace']).toBe('abc');
    // The in-process log keeps the raw values for tests.
    expect(ctx.emulator.requests.at(-1)!.body).toEqual(body);
  });

  it('queues faults over HTTP and resets state', async () => {
    expect((await fetch(`${ctx.emulator.url}/_emulator/faults`, { method: 'POST', body: 'status=503' })).status).toBe(200);
    expect((await create('/openai/v1/responses')).status).toBe(503);
    expect((await create('/openai/v1/responses')).status).toBe(200);
    expect((await fetch(`${ctx.emulator.url}/_emulator/faults`, { method: 'POST', body: 'nonsense=1' })).status).toBe(400);
    const created = (await (await create('/openai/v1/responses')).json()) as { id: string };
    expect((await fetch(`${ctx.emulator.url}/_emulator/reset`, { method: 'POST' })).status).toBe(200);
    expect(ctx.emulator.requests).toHaveLength(0);
    expect(ctx.emulator.getStored(created.id)).toBeUndefined();
  });
});
