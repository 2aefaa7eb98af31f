// Proxies: every request aoai makes (API calls, streams, uploads, Entra sign-in) goes through
// HTTPS_PROXY / HTTP_PROXY or the `proxy` setting; NO_PROXY bypasses it; a proxy that refuses is
// one line naming it. Everything runs in a private network namespace (loopback only), with a
// recording proxy that never connects onward to a non-loopback host.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANARY_API_KEY } from '../helpers/canaries.ts';
import { REPO_ROOT, sandbox } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';
import { runInNetns, type NetnsStep } from '../helpers/netns.ts';

// Each test runs several aoai processes in turn inside a fresh namespace: on a loaded two-core
// machine that can take longer than the default 30 s, hence the longer timeouts below.
const PROXY_PASSWORD = 'pr0xy-CANARY-pass-7d1e';

const TLS_FIXTURE = { cert: join(REPO_ROOT, 'test', 'fixtures', 'tls', 'localhost.crt'), key: join(REPO_ROOT, 'test', 'fixtures', 'tls', 'localhost.key') };

function scenario(runs: NetnsStep[], options: { proxy?: { mode?: 'forward' | 'refuse' | 'auth'; credentials?: string } } = {}) {
  const box = sandbox({ AZURE_OPENAI_API_KEY: CANARY_API_KEY, AZURE_OPENAI_ENDPOINT: '{{EMULATOR}}' });
  try {
    return runInNetns({ baseEnv: box.env, emulator: { key: CANARY_API_KEY }, tlsFront: TLS_FIXTURE, proxy: options.proxy ?? {}, runs: runs.map((r) => ({ ...r, env: { AZURE_OPENAI_ENDPOINT: '{{EMULATOR}}', ...r.env } })) }).results;
  } finally {
    box.cleanup();
  }
}

describe('proxies (private network namespace)', { timeout: 120_000 }, () => {
  it('HTTP_PROXY carries every kind of request: create, stream, get, upload', () => {
    const dir = tempDir('aoai-proxy-');
    const upload = join(dir, 'notes.jsonl');
    writeFileSync(upload, '{"a":1}\n');
    const env = { HTTP_PROXY: '{{PROXY}}' };
    const [created, streamed, uploaded, got, batched] = scenario([
      { args: ['create', '-m', 'gpt-4.1', '--json', 'through the proxy'], env },
      { args: ['stream', '-m', 'gpt-4.1', 'streamed'], env },
      { args: ['files', 'upload', upload, '--purpose', 'batch'], env },
      { args: ['get', 'resp_00000000000000000000000000000000'], env },
      // batch run sends over Node's http agent when direct (bulk-fetch.ts); through a proxy, as every other request.
      { args: ['batch', 'run', '-m', 'gpt-4.1', '-'], input: 'one\ntwo\n', env },
    ]);
    expect(created!.code).toBe(0);
    const id = (JSON.parse(created!.stdout) as { id: string }).id;
    expect(id).toMatch(/^resp_/);
    expect(created!.proxyLog.map((e) => `${e.method} ${e.target}`)).toEqual([expect.stringMatching(/^POST http:\/\/127\.0\.0\.1:18080\/openai\/v1\/responses$/)]);
    expect(streamed).toMatchObject({ code: 0, stdout: 'Echo: streamed\n' });
    expect(streamed!.proxyLog).toHaveLength(1);
    expect(uploaded!.code).toBe(0);
    expect(uploaded!.proxyLog.map((e) => `${e.method} ${e.target}`)).toEqual([expect.stringMatching(/^POST http:\/\/127\.0\.0\.1:18080\/openai\/v1\/files$/)]);
    expect(got!.proxyLog.map((e) => e.method)).toEqual(['GET']);
    expect(batched!.code).toBe(0);
    expect(batched!.stdout.trim().split('\n')).toHaveLength(2);
    expect(batched!.proxyLog.map((e) => `${e.method} ${e.target}`)).toEqual(Array(2).fill('POST http://127.0.0.1:18080/openai/v1/responses'));
  });

  it('NO_PROXY sends matching hosts direct; the --proxy flag overrides the variables', () => {
    const [bypassed, overridden, batchedDirect] = scenario([
      { args: ['create', '-m', 'gpt-4.1', 'direct'], env: { HTTP_PROXY: '{{PROXY}}', NO_PROXY: 'example.com,127.0.0.0/8' } },
      // HTTP_PROXY names a port nothing listens on; --proxy wins.
      { args: ['create', '-m', 'gpt-4.1', '--proxy', '{{PROXY}}', 'flagged'], env: { HTTP_PROXY: 'http://127.0.0.1:9', no_proxy: null } },
      { args: ['batch', 'run', '-m', 'gpt-4.1', '-'], input: 'one\n', env: { HTTP_PROXY: '{{PROXY}}', NO_PROXY: '127.0.0.1' } },
    ]);
    expect(bypassed).toMatchObject({ code: 0, stdout: 'Echo: direct\n', proxyLog: [] });
    expect(overridden).toMatchObject({ code: 0, stdout: 'Echo: flagged\n' });
    expect(overridden!.proxyLog).toHaveLength(1);
    expect(batchedDirect).toMatchObject({ code: 0, proxyLog: [] });
    expect(batchedDirect!.stdout).toContain('"custom_id":"line-1"');
  });

  it('https endpoints go through a CONNECT tunnel; a refused CONNECT is one line naming the proxy', () => {
    const [refused] = scenario([{ args: ['create', '-m', 'gpt-4.1', '--max-retries', '0', 'hi'], env: { AZURE_OPENAI_ENDPOINT: 'https://myres.openai.azure.com', HTTPS_PROXY: '{{PROXY}}' } }]);
    expect(refused!.proxyLog).toEqual([{ method: 'CONNECT', target: 'myres.openai.azure.com:443', proxyAuthorization: false }]);
    expect(refused!.code).toBe(1);
    expect(refused!.stderr).toMatch(/^aoai: proxy http:\/\/127\.0\.0\.1:3128 refused to connect to myres\.openai\.azure\.com \(HTTP 403 to CONNECT\)\nhint: check the proxy \(from the HTTPS_PROXY environment variable\)/);
    expect(refused!.stderr.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('an https endpoint through the tunnel: TLS to the service inside it, every kind of request, credentials on CONNECT', () => {
    const dir = tempDir('aoai-proxy-tls-');
    const upload = join(dir, 'notes.jsonl');
    writeFileSync(upload, '{"a":1}\n');
    const env = { AZURE_OPENAI_ENDPOINT: '{{EMULATOR_TLS}}', HTTPS_PROXY: `http://alice:${PROXY_PASSWORD}@127.0.0.1:3128`, NODE_EXTRA_CA_CERTS: TLS_FIXTURE.cert };
    const [created, streamed, uploaded, untrusted, batched, batchedDirect, batchedUntrusted] = scenario(
      [
        { args: ['create', '-m', 'gpt-4.1', 'tunnelled'], env },
        { args: ['stream', '-m', 'gpt-4.1', 'streamed'], env },
        { args: ['files', 'upload', upload, '--purpose', 'batch'], env },
        // Without the fixture's certificate the service's TLS is not trusted, tunnel or not.
        { args: ['create', '-m', 'gpt-4.1', '--max-retries', '0', 'hi'], env: { ...env, NODE_EXTRA_CA_CERTS: null } },
        { args: ['batch', 'run', '-m', 'gpt-4.1', '-'], input: 'one\ntwo\n', env },
        // Direct https: Node's https agent (bulk-fetch.ts), the same trust as fetch.
        { args: ['batch', 'run', '-m', 'gpt-4.1', '-'], input: 'one\ntwo\n', env: { ...env, HTTPS_PROXY: null } },
        { args: ['batch', 'run', '-m', 'gpt-4.1', '--retries', '0', '-'], input: 'one\n', env: { ...env, HTTPS_PROXY: null, NODE_EXTRA_CA_CERTS: null } },
      ],
      { proxy: { mode: 'auth', credentials: `alice:${PROXY_PASSWORD}` } },
    );
    expect(created).toMatchObject({ code: 0, stdout: 'Echo: tunnelled\n', stderr: '' });
    // Two requests on one kept-alive tunnel would show one CONNECT; each run is a new process.
    expect(created!.proxyLog).toEqual([{ method: 'CONNECT', target: 'localhost:18443', proxyAuthorization: true }]);
    expect(streamed).toMatchObject({ code: 0, stdout: 'Echo: streamed\n' });
    expect(uploaded!.code).toBe(0);
    expect(uploaded!.stdout).toMatch(/file-/);
    expect(untrusted!.code).toBe(1);
    expect(untrusted!.stderr).toMatch(/^aoai: .*TLS certificate rejected \(DEPTH_ZERO_SELF_SIGNED_CERT\)\n/);
    expect(untrusted!.stderr).not.toMatch(/proxy/);
    expect(untrusted!.stderr + created!.stderr).not.toContain(PROXY_PASSWORD);
    expect(batched!.code).toBe(0);
    expect(batched!.stdout.trim().split('\n')).toHaveLength(2);
    // One tunnel, kept alive, unless the two requests went out at once.
    expect(batched!.proxyLog.length).toBeGreaterThanOrEqual(1);
    expect(batched!.proxyLog.every((e) => e.method === 'CONNECT' && e.target === 'localhost:18443')).toBe(true);
    expect(batchedDirect).toMatchObject({ code: 0, proxyLog: [] });
    expect(batchedDirect!.stdout.trim().split('\n')).toHaveLength(2);
    expect(batchedUntrusted!.code).toBe(1);
    expect(JSON.parse(batchedUntrusted!.stdout) as unknown).toMatchObject({ custom_id: 'line-1', response: null, error: { code: 'connection_error', message: 'connection failed: TLS certificate rejected (DEPTH_ZERO_SELF_SIGNED_CERT)' } });
  });

  it('a proxy that refuses plain requests, or is not there, is one line naming it', () => {
    const [refusing] = scenario([{ args: ['create', '-m', 'gpt-4.1', '--max-retries', '0', 'hi'], env: { HTTP_PROXY: '{{PROXY}}' } }], { proxy: { mode: 'refuse' } });
    expect(refusing!.code).toBe(1);
    expect(refusing!.stderr).toMatch(/^aoai: proxy http:\/\/127\.0\.0\.1:3128 refused the request to 127\.0\.0\.1:18080 \(HTTP 403, text\/plain\)\n/);
    const [absent] = scenario([{ args: ['create', '-m', 'gpt-4.1', '--max-retries', '0', 'hi'], env: { AOAI_PROXY: 'http://127.0.0.1:9' } }]);
    expect(absent!.code).toBe(1);
    expect(absent!.stderr).toMatch(/^aoai: cannot reach proxy http:\/\/127\.0\.0\.1:9: connection refused\nhint: check the proxy \(from the AOAI_PROXY environment variable\)/);
  });

  it('proxy credentials in the URL are sent, and never printed (not even with --debug, which shows the route)', () => {
    const proxyUrl = `http://alice:${PROXY_PASSWORD}@127.0.0.1:3128`;
    const [ok, wrong] = scenario(
      [
        { args: ['create', '-m', 'gpt-4.1', '--debug', 'authorised'], env: { HTTP_PROXY: proxyUrl } },
        { args: ['create', '-m', 'gpt-4.1', '--max-retries', '0', 'hi'], env: { HTTP_PROXY: 'http://alice:wrong-password-x@127.0.0.1:3128' } },
      ],
      { proxy: { mode: 'auth', credentials: `alice:${PROXY_PASSWORD}` } },
    );
    expect(ok).toMatchObject({ code: 0, stdout: 'Echo: authorised\n' });
    expect(ok!.proxyLog[0]).toMatchObject({ proxyAuthorization: true });
    expect(ok!.stderr).toMatch(/\* route: 127\.0\.0\.1:18080 through proxy http:\/\/alice:\*\*\*@127\.0\.0\.1:3128 \(from the HTTP_PROXY environment variable\)/);
    expect(ok!.stderr + ok!.stdout).not.toContain(PROXY_PASSWORD);
    expect(ok!.stderr).not.toContain(Buffer.from(`alice:${PROXY_PASSWORD}`).toString('base64'));
    expect(wrong!.code).toBe(1);
    expect(wrong!.stderr).toMatch(/^aoai: proxy http:\/\/alice:\*\*\*@127\.0\.0\.1:3128 asks for credentials \(HTTP 407 Proxy Authentication Required\)/);
    expect(wrong!.stderr).not.toContain('wrong-password-x');
  });

  it('Entra sign-in (managed identity on loopback) takes the same proxy as the API call', () => {
    const [signedIn] = scenario([
      {
        args: ['create', '-m', 'gpt-4.1', '--credential', 'managed-identity', 'signed in'],
        env: { AZURE_OPENAI_API_KEY: null, AZURE_TOKEN_CREDENTIALS: null, HTTP_PROXY: '{{PROXY}}', IDENTITY_ENDPOINT: '{{EMULATOR}}/msi/token', IDENTITY_HEADER: '{{IDENTITY_HEADER}}' },
      },
    ]);
    expect(signedIn).toMatchObject({ code: 0, stdout: 'Echo: signed in\n' });
    const targets = signedIn!.proxyLog.map((e) => `${e.method} ${new URL(e.target).pathname}`);
    expect(targets).toEqual(['GET /msi/token', 'POST /openai/v1/responses']);
  });
});

describe('no proxy configured: proxy support is never loaded', { timeout: 120_000 }, () => {
  it('a request runs with the proxy chunk removed from the bundle; with a proxy set it is needed', async () => {
    const { cpSync, readdirSync, rmSync } = await import('node:fs');
    const { spawn } = await import('node:child_process');
    // Asynchronous: the emulator answering the child runs in this process.
    const run = (command: string, args: string[], env: Record<string, string>) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const { REPO_ROOT } = await import('../helpers/cli.ts');
    const { startTestEmulator } = await import('../helpers/emulator.ts');
    const copy = tempDir('aoai-no-proxy-');
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(REPO_ROOT, part), join(copy, part), { recursive: true });
    const chunks = readdirSync(join(copy, 'dist', 'chunks')).filter((name) => name.startsWith('proxy-fetch-'));
    expect(chunks).toHaveLength(1);
    rmSync(join(copy, 'dist', 'chunks', chunks[0]!));
    const emulator = await startTestEmulator();
    const box = sandbox({ AZURE_OPENAI_ENDPOINT: emulator.url, AZURE_OPENAI_API_KEY: CANARY_API_KEY });
    try {
      const direct = await run(process.execPath, [join(copy, 'bin', 'aoai'), 'create', '-m', 'gpt-4.1', 'hi'], box.env);
      expect(direct).toEqual({ code: 0, stdout: 'Echo: hi\n', stderr: '' });
      const proxied = await run('unshare', ['--net', '--', process.execPath, join(copy, 'bin', 'aoai'), 'create', '-m', 'gpt-4.1', 'hi'], { ...box.env, HTTP_PROXY: 'http://127.0.0.1:9' });
      expect(proxied.code).not.toBe(0);
      expect(proxied.stderr).toMatch(/proxy-fetch/);
    } finally {
      await emulator.close();
      box.cleanup();
    }
  });
});
