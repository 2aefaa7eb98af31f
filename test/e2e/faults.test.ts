// Faults the network and the service throw at aoai, injected with the emulator's fault rules:
// rate limits, 5xx, resets, stalls, broken bodies, unreachable hosts, rejected credentials.
// Each ends in a success after retries, or in one clear line (plus a hint) and exit 1 or 3.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CANARY_ENTRA_TOKEN } from '../helpers/canaries.ts';
import { recordCapture } from '../helpers/captures.ts';
import { BIN, runAoai, sandbox, unusedPort, type RunResult } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { fakeAz } from '../helpers/fake-az.ts';

const ctx = useEmulator();
const run = (args: string[], extra: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...extra });
const create = (...args: string[]) => ['create', '-m', 'gpt-4.1', ...args];
const fault = (spec: string) => ['-H', `x-emulator-fault: ${spec}`];

let before = 0;
beforeEach(() => {
  ctx.emulator.clearFaults();
  before = ctx.emulator.requests.length;
});
const sent = () => ctx.emulator.requests.slice(before).filter((r) => r.path.startsWith('/openai/'));

/** The error contract: stdout empty, stderr `aoai: …` and at most one `hint: …`, no stack trace. */
function expectOneLineError(result: RunResult, code: number, line: RegExp, hint?: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines.length, result.stderr).toBeLessThanOrEqual(2);
  expect(lines[0]).toMatch(/^aoai: /);
  expect(lines[0]).toMatch(line);
  if (hint) expect(lines[1]).toMatch(hint);
  if (lines[1]) expect(lines[1]).toMatch(/^hint: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

/** Run aoai under a pseudo-terminal (util-linux `script`), so stderr is a TTY. */
function runOnTty(args: string[]): Promise<{ code: number | null; output: string }> {
  const quoted = [BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', `stty cols 100 rows 30; exec ${quoted}`, '/dev/null'], { env: { ...ctx.env, TERM: 'dumb' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => {
      recordCapture(`tty: aoai ${args.join(' ')}`, output);
      resolve({ code, output });
    });
  });
}

describe('rate limits (429)', () => {
  it('waits out retry-after and succeeds, quietly on a pipe', async () => {
    ctx.emulator.addFault('status=429,retry-after=1,times=1');
    const started = Date.now();
    const result = await run(create('hi'));
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n', stderr: '' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sent().map((r) => r.status)).toEqual([429, 200]);
  });

  it('honours retry-after-ms, and --max-retries counts the attempts', async () => {
    ctx.emulator.addFault('status=429,retry-after-ms=150,times=2');
    const result = await run(create('--max-retries', '2', 'hi'));
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
    expect(sent().map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('when retries run out: one line with the limit and the header hint, exit 1', async () => {
    const result = await run(create('--max-retries', '2', ...fault('status=429,retry-after-ms=100'), 'hi'));
    expectOneLineError(
      result,
      1,
      /^aoai: HTTP 429: Requests to the Responses API have exceeded call rate limit\. Please retry after 1 seconds\. \[request id [\w-]+\]$/,
      /^hint: rate limited; the service asks to wait 100 ms \(retry-after-ms\); gave up after 3 attempts \(--max-retries 2\)$/,
    );
    expect(sent()).toHaveLength(3);
  });

  it('--max-retries 0 fails on the first 429', async () => {
    const result = await run(create('--max-retries', '0', ...fault('status=429,retry-after=1'), 'hi'));
    expectOneLineError(result, 1, /HTTP 429/, /the service asks to wait 1 s \(retry-after\); gave up after 1 attempt \(--max-retries 0\)/);
    expect(sent()).toHaveLength(1);
  });

  it('a Retry-After beyond 60 s is not slept through: it fails at once, saying so', async () => {
    const started = Date.now();
    const result = await run(create(...fault('status=429,retry-after=120'), 'hi'));
    expectOneLineError(result, 1, /HTTP 429/, /the service asks to wait 120 s \(retry-after\), longer than aoai waits by itself \(60 s\): try again later/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(sent()).toHaveLength(1);
  });

  it('on a terminal the wait is visible on stderr: "rate limited, retrying in … (n/N)"', async () => {
    ctx.emulator.addFault('status=429,retry-after-ms=200,times=2');
    const result = await runOnTty(create('--max-retries', '3', 'hi'));
    expect(result.code).toBe(0);
    expect(result.output).toContain('rate limited, retrying in 0.2 s (1/3)');
    expect(result.output).toContain('rate limited, retrying in 0.2 s (2/3)');
    expect(result.output).toContain('Echo: hi');
  });

  it('a terminal that reports no width gets no spinner (ora would erase lines forever)', async () => {
    const quoted = [BIN, ...create('hi')].map((a) => `'${a}'`).join(' ');
    const output = await new Promise<string>((resolve) => {
      const child = spawn('script', ['-qec', `stty cols 0; exec ${quoted}`, '/dev/null'], { env: ctx.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.on('close', () => resolve(text));
    });
    expect(output.length).toBeLessThan(2000);
    expect(output).toContain('Echo: hi');
  });

  it('on a terminal, connection failures and timeouts are announced too', async () => {
    ctx.emulator.addFault('reset,times=1');
    const reset = await runOnTty(create('hi'));
    expect(reset.code).toBe(0);
    expect(reset.output).toContain('connection failed (connection reset), retrying (1/2)');
    // The retry must answer within --timeout: 2 s leaves margin on a loaded machine.
    ctx.emulator.addFault('delay-ms=8000,times=1');
    const slow = await runOnTty(create('--timeout', '2', 'hi'));
    expect(slow.code).toBe(0);
    expect(slow.output).toContain('no answer within 2 s, retrying (1/2)');
  });

  it('--debug shows each retry decision on a pipe too', async () => {
    ctx.emulator.addFault('status=429,retry-after=1,times=1');
    const result = await run(create('--debug', 'hi'));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('* rate limited, retrying in 1 s (1/2)');
  });

  it('a streamed request is retried the same way', async () => {
    ctx.emulator.addFault('status=429,retry-after-ms=100,times=1');
    const result = await run(['stream', '-m', 'gpt-4.1', 'hi']);
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
  });
});

describe('server errors and connection resets', () => {
  it.each([500, 502, 503, 504])('HTTP %i once: retried with backoff, then success', async (status) => {
    ctx.emulator.addFault(`status=${status},times=1`);
    const result = await run(create('hi'));
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n', stderr: '' });
    expect(sent().map((r) => r.status)).toEqual([status, 200]);
  });

  it('a 503 while get --wait polls a background job is retried, and the wait goes on', async () => {
    const made = await run(create('--background', '--json', 'Write 300 words'));
    const id = JSON.parse(made.stdout).id as string;
    ctx.emulator.addFault('status=503,times=2,method=GET');
    const result = await run(['get', id, '--wait', '--poll-interval', '0.05']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split(/\s+/)).toHaveLength(300);
    expect(sent().filter((r) => r.status === 503)).toHaveLength(2);
  });

  it('HTTP 503 every time: one line after the budget, exit 1', async () => {
    const result = await run(create('--max-retries', '1', ...fault('status=503'), 'hi'));
    expectOneLineError(
      result,
      1,
      /^aoai: HTTP 503 \(ServiceUnavailable\): The service is temporarily unable to process your request\. Please try again later\. \[request id [\w-]+\]$/,
      /^hint: the service failed; gave up after 2 attempts \(--max-retries 1\)$/,
    );
    expect(sent()).toHaveLength(2);
  });

  it('a connection reset before the answer is retried', async () => {
    ctx.emulator.addFault('reset,times=1');
    const result = await run(create('hi'));
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
    expect(sent()).toHaveLength(2);
  });

  it('resets every time: names the endpoint and the attempts', async () => {
    const result = await run(create('--max-retries', '1', ...fault('reset'), 'hi'));
    expectOneLineError(result, 1, new RegExp(`^aoai: cannot reach ${ctx.emulator.url}: connection reset \\(2 attempts\\)$`), /check the endpoint/);
  });

  it('a reset on a streamed request is retried before the first event', async () => {
    ctx.emulator.addFault('reset,times=1');
    const result = await run(['stream', '-m', 'gpt-4.1', 'hi']);
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
  });
});

describe('--timeout and stalls', () => {
  it('bounds each attempt: a slow answer fails after the timeout, naming it', async () => {
    const started = Date.now();
    const result = await run(create('--timeout', '1', '--max-retries', '0', ...fault('delay-ms=20000'), 'hi'));
    expectOneLineError(result, 1, new RegExp(`^aoai: no answer from ${ctx.emulator.url} within 1 s$`), /raise --timeout/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a timed-out attempt is retried; the count is in the message', async () => {
    const result = await run(create('--timeout', '0.5', '--max-retries', '1', ...fault('delay-ms=3000'), 'hi'));
    expectOneLineError(result, 1, /within 0\.5 s \(2 attempts\)$/);
    expect(sent()).toHaveLength(2);
  });

  it('a slow attempt followed by a quick one succeeds', async () => {
    // The quick attempt must answer within --timeout: 2 s leaves margin on a loaded machine.
    ctx.emulator.addFault('delay-ms=8000,times=1');
    const result = await run(create('--timeout', '2', 'hi'));
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
  });

  it('a stalled foreground stream fails clearly after --timeout, keeping what arrived', async () => {
    const result = await run(['stream', '-m', 'gpt-4.1', '--timeout', '1', ...fault('stall-after=6'), 'Write 40 words']);
    expect(result.code).toBe(1);
    expect(result.stdout.length).toBeGreaterThan(0);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^aoai: the stream ended early after 6 events \(no event for 1 s\); a response that is not a background job cannot be resumed$/);
    expect(lines[1]).toMatch(/^hint: .*--background/);
  });

  it('a stream that drops mid-way (not background) fails clearly', async () => {
    const result = await run(['stream', '-m', 'gpt-4.1', ...fault('drop-after=5'), 'Write 40 words']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^aoai: the stream ended early after 5 events \(.+\)/);
  });

  it('an error event mid-stream: one line, exit 4 (the response failed), no stack', async () => {
    const result = await run(['stream', '-m', 'gpt-4.1', ...fault('error-event-after=4'), 'Write 40 words']);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^aoai: response resp_\w+ failed: server_error: The server had an error while processing your request\./);
    expect(result.stderr.trimEnd().split('\n').length).toBeLessThanOrEqual(2);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('bodies that are not what was promised', () => {
  it('an HTML error page from a proxy: names it, exit 1', async () => {
    const result = await run(create('--max-retries', '0', ...fault('body=html'), 'hi'));
    expectOneLineError(result, 1, /^aoai: HTTP 502: Bad Gateway \(received text\/html: an HTML page titled "502 Bad Gateway"\)/, /proxy or gateway/);
  });

  it('an HTML page is retried like any 502, then succeeds', async () => {
    ctx.emulator.addFault('body=html,times=1');
    const result = await run(create('hi'));
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
  });

  it('a truncated JSON body: says so and shows its start', async () => {
    const result = await run(create(...fault('body=truncated'), 'hi'));
    expectOneLineError(result, 1, /^aoai: expected a JSON response but received application\/json, \d+ bytes: "\{\\"id\\":\\"resp_truncated.*\(not valid JSON: cut short\?\)/);
  });

  it('a wrong content type on a plain request', async () => {
    const result = await run(create(...fault('content-type=text/plain'), 'hi'));
    expectOneLineError(result, 1, /^aoai: expected a JSON response but received text\/plain, \d+ bytes: "The upstream service answered with something that is not JSON\."/);
  });

  it('a wrong content type where an event stream was expected', async () => {
    const result = await run(['stream', '-m', 'gpt-4.1', ...fault('content-type=text/plain'), 'hi']);
    expectOneLineError(result, 1, /^aoai: expected an event stream but received text\/plain: The upstream service/);
  });

  it('the same on items (a proxy page with status 200)', async () => {
    const made = await run(create('--json', 'hi'));
    const id = JSON.parse(made.stdout).id as string;
    const result = await run(['items', id, ...fault('content-type=text/html')]);
    expectOneLineError(result, 1, /^aoai: expected a JSON response but received text\/html, \d+ bytes: "The upstream service/);
  });

  it('the same on get (truncated body)', async () => {
    const made = await run(create('--json', 'hi'));
    const id = JSON.parse(made.stdout).id as string;
    const result = await run(['get', id, ...fault('body=truncated')]);
    expectOneLineError(result, 1, /expected a JSON response but received application\/json/);
  });

  describe('malformed server-sent events (a rewriting proxy)', () => {
    let server: Server;
    let url = '';
    beforeAll(async () => {
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"resp_x","status":"in_progress","output":[]}}\n\n');
          res.end('event: response.output_text.delta\ndata: {this is not json\n\n');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('names what was received, exit 1, no SDK log noise', async () => {
      const result = await run(['stream', '-m', 'gpt-4.1', '--endpoint', url, 'hi']);
      expectOneLineError(result, 1, /^aoai: malformed event stream after 1 events: received an event whose data is not JSON$/, /rewriting the stream/);
    });
  });
});

describe('unreachable endpoints', () => {
  it('connection refused: names the endpoint', async () => {
    const dead = `http://127.0.0.1:${await unusedPort()}`;
    const result = await run(create('--endpoint', dead, '--max-retries', '1', 'hi'));
    expectOneLineError(result, 1, new RegExp(`^aoai: cannot reach ${dead}: connection refused \\(2 attempts\\)$`), /check the endpoint/);
  });

  it('connection refused on a stream: the same line, not "the stream ended early"', async () => {
    const dead = `http://127.0.0.1:${await unusedPort()}`;
    const result = await run(['stream', '-m', 'gpt-4.1', '--endpoint', dead, '--max-retries', '0', 'hi']);
    expectOneLineError(result, 1, new RegExp(`^aoai: cannot reach ${dead}: connection refused$`));
  });

  it('a host that does not resolve: names the endpoint and the host', async () => {
    const result = await run(create('--endpoint', 'https://aoai-test-host.invalid', '--max-retries', '0', 'hi'), { network: 'none' });
    expectOneLineError(result, 1, /^aoai: cannot reach https:\/\/aoai-test-host\.invalid: (host not found|DNS lookup failed) \(aoai-test-host\.invalid\)$/);
  });
});

describe('rejected credentials', () => {
  it('403 with a key: which credential, and what to check', async () => {
    const result = await run(create(...fault('status=403'), 'hi'));
    expectOneLineError(result, 3, /^aoai: HTTP 403/, /^hint: authenticated with API key from the AZURE_OPENAI_API_KEY environment variable; the key was accepted but access is denied: check the resource's network rules/);
  });

  it('403 with Entra: names the credential and the role to grant', async () => {
    const az = fakeAz({ token: CANARY_ENTRA_TOKEN });
    const box = sandbox({ AZURE_OPENAI_ENDPOINT: ctx.emulator.url, PATH: `${az.dir}:${process.env.PATH}` });
    const result = await runAoai(create(...fault('status=403'), 'hi'), { env: box.env });
    expectOneLineError(result, 3, /^aoai: HTTP 403/, /^hint: authenticated with Microsoft Entra ID via .*Cognitive Services OpenAI User/);
    box.cleanup();
  });

  it('an expired or revoked Entra token is refreshed once, then the request succeeds', async () => {
    const az = fakeAz({ tokens: ['revoked-token-0123456789', CANARY_ENTRA_TOKEN] });
    const box = sandbox({ AZURE_OPENAI_ENDPOINT: ctx.emulator.url, PATH: `${az.dir}:${process.env.PATH}` });
    const result = await runAoai(create('hi'), { env: box.env });
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
    expect(az.calls()).toBe(2);
    expect(sent().map((r) => [r.status, r.headers.authorization?.slice(0, 14)])).toEqual([
      [401, 'Bearer revoked'],
      [200, 'Bearer CANARY-'],
    ]);
    box.cleanup();
  });
});
