// Secrets and safety: the canary key, Entra token and MCP-style header value never appear in any
// byte aoai prints (test/global-setup.ts also scans everything the suite captured); keys never go
// over plain http to a remote host or follow a redirect; config files are 0600, written
// atomically, never overwritten when corrupt; Ctrl-C and broken pipes end cleanly.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARIES, CANARY_API_KEY, CANARY_ENTRA_TOKEN, CANARY_MCP_HEADER } from '../helpers/canaries.ts';
import { recordCapture } from '../helpers/captures.ts';
import { BIN, runAoai, sandbox, type RunResult } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { fakeAz } from '../helpers/fake-az.ts';

const ctx = useEmulator();
const run = (args: string[], extra: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...extra });
const fault = (spec: string) => ['-H', `x-emulator-fault: ${spec}`];
const mcpHeader = ['-H', `x-mcp-token: ${CANARY_MCP_HEADER}`];

/** No canary anywhere in what this run printed (global-setup scans it again at the end). */
function expectNoSecrets(result: RunResult | { stdout: string; stderr: string }): void {
  for (const secret of CANARIES) {
    expect(result.stdout).not.toContain(secret);
    expect(result.stderr).not.toContain(secret);
  }
}

/** A server that answers every request with `answer(req)`, recording what reached it. */
async function startServer(answer: (req: IncomingMessage, res: import('node:http').ServerResponse) => void): Promise<{ url: string; hits: IncomingMessage[]; server: Server }> {
  const hits: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    hits.push(req);
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, hits, server };
}

describe('secrets never printed', () => {
  it('--debug on success, on retries and on failure: headers redacted, SDK log lines too', async () => {
    ctx.emulator.addFault('status=429,retry-after-ms=50,times=1');
    const ok = await run(['create', '-m', 'gpt-4.1', '--debug', ...mcpHeader, 'hi']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('> api-key: [redacted]');
    expect(ok.stderr).toContain('> x-mcp-token: [redacted]');
    expect(ok.stderr).toContain('rate limited, retrying');
    expectNoSecrets(ok);
    const failed = await run(['create', '-m', 'gpt-4.1', '--debug', '--max-retries', '1', ...mcpHeader, ...fault('status=500'), 'hi']);
    expect(failed.code).toBe(1);
    expectNoSecrets(failed);
    const stream = await run(['stream', '-m', 'gpt-4.1', '--debug', ...mcpHeader, 'hi']);
    expectNoSecrets(stream);
  });

  it('--debug with Entra: the bearer token is redacted', async () => {
    const az = fakeAz({ token: CANARY_ENTRA_TOKEN });
    const box = sandbox({ AZURE_OPENAI_ENDPOINT: ctx.emulator.url, PATH: `${az.dir}:${process.env.PATH}` });
    const result = await runAoai(['create', '-m', 'gpt-4.1', '--debug', 'hi'], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('> authorization: [redacted]');
    expectNoSecrets(result);
    const rejected = await runAoai(['create', '-m', 'gpt-4.1', '--debug', ...fault('status=401'), 'hi'], { env: box.env });
    expect(rejected.code).toBe(3);
    expectNoSecrets(rejected);
    box.cleanup();
  });

  it('a server error that echoes the key back is scrubbed before it reaches the terminal', async () => {
    const echo = await startServer((req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'BadKey', message: `The key ${String(req.headers['api-key'])} and header ${String(req.headers['x-mcp-token'])} are wrong` } }));
    });
    const result = await run(['create', '-m', 'gpt-4.1', '--endpoint', echo.url, ...mcpHeader, 'hi']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^aoai: HTTP 400 \(BadKey\): The key \*\*\* and header \*\*\* are wrong/);
    expectNoSecrets(result);
    echo.server.close();
  });

  it('config list, get and --json mask the key', async () => {
    const box = sandbox();
    await runAoai(['config', 'set', 'api-key'], { env: box.env, input: CANARY_API_KEY });
    for (const args of [['config', 'list'], ['config', 'list', '--json'], ['config', 'get', 'api-key']]) {
      const result = await runAoai(args, { env: box.env });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`****${CANARY_API_KEY.slice(-4)}`);
      expectNoSecrets(result);
    }
    box.cleanup();
  });

  it('errors about the key name where it came from, never the value', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', ...fault('status=401'), 'hi']);
    expect(result.stderr).toContain('API key from the AZURE_OPENAI_API_KEY environment variable');
    expectNoSecrets(result);
  });
});

describe('where keys may go', () => {
  it('plain http:// to a non-loopback host is refused before any connection', async () => {
    const result = await run(['get', 'resp_abc', '--endpoint', 'http://aoai-test-host.invalid'], { network: 'none' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^aoai: refusing to send credentials over plain http:\/\/ to aoai-test-host\.invalid\nhint: use https:\/\/, or pass --insecure/);
  });

  it('--insecure lets it through (and then the host is simply unreachable)', async () => {
    const result = await run(['get', 'resp_abc', '--insecure', '--max-retries', '0', '--endpoint', 'http://aoai-test-host.invalid'], { network: 'none' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^aoai: cannot reach http:\/\/aoai-test-host\.invalid/);
  });

  it('a redirect is not followed, so the key never reaches the other host', async () => {
    const elsewhere = await startServer((_req, res) => res.end('{}'));
    const redirector = await startServer((req, res) => {
      res.writeHead(307, { location: `${elsewhere.url.replace('127.0.0.1', 'localhost')}${req.url}` });
      res.end();
    });
    const result = await run(['create', '-m', 'gpt-4.1', '--endpoint', redirector.url, 'hi']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^aoai: HTTP 307/);
    expect(elsewhere.hits).toHaveLength(0);
    expect(redirector.hits[0]!.headers['api-key']).toBe(CANARY_API_KEY);
    elsewhere.server.close();
    redirector.server.close();
  });
});

describe('files aoai writes', () => {
  let box: ReturnType<typeof sandbox>;
  const configDir = () => join(box.home, '.config', 'aoai');
  beforeAll(() => {
    box = sandbox();
  });
  afterAll(() => box.cleanup());

  it('the config file and its directory are private; no temporary file is left behind', async () => {
    await runAoai(['config', 'set', 'deployment', 'gpt-4.1'], { env: box.env });
    await runAoai(['config', 'set', 'api-key'], { env: box.env, input: CANARY_API_KEY });
    expect(statSync(join(configDir(), 'config.json')).mode & 0o777).toBe(0o600);
    expect(statSync(configDir()).mode & 0o077).toBe(0);
    expect(readdirSync(configDir())).toEqual(['config.json']);
  });

  it('a config file created world-readable by hand is tightened on the next write', async () => {
    const path = join(configDir(), 'config.json');
    writeFileSync(path, JSON.stringify({ profiles: { default: { deployment: 'x' } } }), { mode: 0o644 });
    const result = await runAoai(['config', 'set', 'deployment', 'y'], { env: box.env });
    expect(result.code).toBe(0);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['config unset', ['config', 'unset', 'deployment']],
    ['config list', ['config', 'list']],
    ['config set', ['config', 'set', 'tenant', 'x']],
    ['create', ['create', '-m', 'gpt-4.1', 'hi']],
  ])('a corrupt config file: %s names it, exits 3, leaves it byte for byte', async (_name, args) => {
    const path = join(configDir(), 'config.json');
    writeFileSync(path, '{"profiles": {"default": {"deployment": "x"');
    const result = await runAoai(args, { env: { ...box.env, AZURE_OPENAI_ENDPOINT: ctx.emulator.url, AZURE_OPENAI_API_KEY: CANARY_API_KEY } });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toContain(path);
    expect(readFileSync(path, 'utf8')).toBe('{"profiles": {"default": {"deployment": "x"');
    expect(readdirSync(configDir())).toEqual(['config.json']);
  });

  it('the local log is private', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', 'remember me']);
    expect(result.code).toBe(0);
    const file = join(ctx.box.home, '.local', 'state', 'aoai', 'log.jsonl');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('Ctrl-C and broken pipes', () => {
  it('Ctrl-C while waiting for a plain request: exit 130, nothing on stdout, no stack', async () => {
    const before = ctx.emulator.requests.length;
    const result = await run(['create', '-m', 'gpt-4.1', ...fault('delay-ms=5000'), 'hi'], {
      // Interrupt once the request is in flight (a fixed delay races node's start-up on a busy machine).
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (ctx.emulator.requests.length > before) {
            clearInterval(poll);
            child.kill('SIGINT');
          }
        }, 20);
      },
    });
    expect(result.code).toBe(130);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('on a terminal, Ctrl-C leaves no spinner behind: the cursor is shown again', async () => {
    // The shell sends SIGINT once the test has seen the request arrive (it creates the flag file).
    const flag = join(ctx.box.home, 'request-arrived');
    const command = `stty cols 100; set -m; '${BIN}' create -m gpt-4.1 -H 'x-emulator-fault: delay-ms=8000' hi & pid=$!; while [ ! -e '${flag}' ]; do sleep 0.05; done; sleep 0.3; kill -INT $pid; wait $pid; echo "exit=$?"`;
    const before = ctx.emulator.requests.length;
    const poll = setInterval(() => {
      if (ctx.emulator.requests.length > before) {
        clearInterval(poll);
        writeFileSync(flag, '');
      }
    }, 20);
    const output = await new Promise<string>((resolve) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], { env: ctx.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.on('close', () => {
        recordCapture('tty ctrl-c', text);
        resolve(text);
      });
    });
    clearInterval(poll);
    expect(output).toContain('exit=130');
    const hidden = output.lastIndexOf('\u001b[?25l');
    expect(hidden).toBeGreaterThanOrEqual(0);
    expect(output.lastIndexOf('\u001b[?25h')).toBeGreaterThan(hidden);
  });

  it('on a terminal in CI (CI is set), no spinner is drawn at all, as ora does', async () => {
    const command = `stty cols 100; '${BIN}' create -m gpt-4.1 -H 'x-emulator-fault: delay-ms=600' hi; echo "exit=$?"`;
    const output = await new Promise<string>((resolve) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...ctx.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.on('close', () => resolve(text));
    });
    expect(output).toContain('exit=0');
    expect(output).not.toContain('\u001b[?25l');
  });

  it.each([
    ['create --json', ['create', '-m', 'gpt-4.1', '--json', 'Write 50000 words']],
    ['stream --json', ['stream', '-m', 'gpt-4.1', '--json', 'Write 20000 words']],
  ])('%s into a pipe that closes early exits 0, quietly', async (_name, args) => {
    const quoted = args.map((a) => `'${a}'`).join(' ');
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('bash', ['-c', `set -o pipefail; '${BIN}' ${quoted} | head -c 100 >/dev/null`], { env: ctx.env });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result).toEqual({ code: 0, stderr: '' });
  });
});

