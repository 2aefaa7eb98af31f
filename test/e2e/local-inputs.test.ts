// Local inputs are bounded and exact: piped text and a prompt argument both reach the request;
// /dev/zero, terminals and other devices fail fast; text that is not UTF-8 is an error naming the
// byte offset; a control character in a header or key is a usage error before anything is sent.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAoai } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';

const ctx = useEmulator({ queueMs: 20, eventDelayMs: 0 }, { AZURE_OPENAI_DEPLOYMENT: 'gpt-4.1' });
const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...options });
const posts = () => ctx.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses'));
const lastInput = () => (posts().at(-1)!.body as { input: unknown }).input;
const dir = () => mkdtempSync(join(ctx.box.home, 'inputs-'));
/** Run with stdin redirected from a path (a device, a file). */
const withStdinFrom = (path: string) => ['sh', '-c', `exec "$0" "$@" < '${path}'`];

describe('piped text and a prompt argument', () => {
  it('create: the request gets the piped content, then the argument as the instruction', async () => {
    const result = await run(['create', 'Summarise this:'], { input: 'the file content\n' });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(lastInput()).toBe('the file content\n\nSummarise this:');
  });

  it('stream: the same', async () => {
    const result = await run(['stream', 'Translate to French:'], { input: 'good morning' });
    expect(result.code).toBe(0);
    expect(lastInput()).toBe('good morning\n\nTranslate to French:');
  });

  it('a redirected file counts as piped text; /dev/null adds nothing', async () => {
    const d = dir();
    writeFileSync(join(d, 'notes.txt'), 'meeting notes\n');
    await run(['create', 'List the actions:'], { via: withStdinFrom(join(d, 'notes.txt')) });
    expect(lastInput()).toBe('meeting notes\n\nList the actions:');
    await run(['create', 'just this'], { via: withStdinFrom('/dev/null') });
    expect(lastInput()).toBe('just this');
  });

  it('- keeps its meaning: stdin goes exactly where the dash is', async () => {
    await run(['create', 'Before:', '-', ':after'], { input: 'middle' });
    expect(lastInput()).toBe('Before: middle :after');
  });

  it('a slow producer in a pipeline is waited for, however long it takes to start', async () => {
    const result = await run([], { via: ['sh', '-c', '(sleep 3; echo late text) | "$0" create "Summarise:"'], timeoutMs: 30_000 });
    expect(result.code).toBe(0);
    expect(lastInput()).toBe('late text\n\nSummarise:');
  });

  it('an idle stdin held open only by a parent (a CI runner) is not waited on', async () => {
    const fifo = join(dir(), 'idle');
    execFileSync('mkfifo', [fifo]);
    // The shell holds the pipe open for writing and never writes, as a CI runner's stdin does.
    const result = await run([], { via: ['sh', '-c', `exec 3<>'${fifo}'; "$0" create hello <&3`], timeoutMs: 30_000 });
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hello\n', stderr: '' });
    expect(lastInput()).toBe('hello');
  });

  it('an open socket stdin that stays silent (a parent that never writes) is given up on', async () => {
    const result = await run(['create', 'hello'], { openStdin: true, timeoutMs: 15_000 });
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hello\n', stderr: '' });
    expect(lastInput()).toBe('hello');
  });
});

describe('bounded local inputs', () => {
  it('file flags refuse /dev/zero and other character devices at once', async () => {
    const before = posts().length;
    for (const args of [['--schema', '/dev/zero'], ['--body', '/dev/zero'], ['--instructions', '@/dev/zero'], ['--tools', '/dev/zero']]) {
      const result = await run(['create', ...args, 'hi'], { timeoutMs: 15_000 });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/\/dev\/zero is a character device \(a terminal, \/dev\/zero…\), not a file\n/);
    }
    const attached = await run(['create', '--file', '/dev/zero', 'hi'], { timeoutMs: 15_000 });
    expect(attached.code).toBe(2);
    expect(attached.stderr).toMatch(/\/dev\/zero is not a regular file/);
    expect(posts().length).toBe(before);
  });

  it('a prompt on stdin from /dev/zero fails fast on its size cap', async () => {
    const result = await run(['create'], { via: withStdinFrom('/dev/zero'), timeoutMs: 30_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('aoai: the prompt on stdin: input is larger than 32 MB\nhint: aoai reads at most that much from a local input\n');
  });

  it('--api-key-stdin has a small cap', async () => {
    const result = await run(['create', '--api-key-stdin', 'hi'], { input: 'k'.repeat(100_000) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^aoai: --api-key-stdin: input is larger than 64 KB\n/);
  });

  it('a FIFO given to a file flag is read (with a cap) as its writer sends it', async () => {
    const d = dir();
    const fifo = join(d, 'schema.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `sleep 1; printf '%s' '{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}' > '${fifo}'`]);
    const result = await run(['create', '--schema', fifo, 'give me a']);
    writer.kill();
    expect(result.code).toBe(0);
    expect((posts().at(-1)!.body as { text: { format: { type: string } } }).text.format.type).toBe('json_schema');
  });
});

describe('text must be UTF-8', () => {
  it('a Latin-1 instructions file is refused with the byte offset', async () => {
    const d = dir();
    writeFileSync(join(d, 'latin1.txt'), Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x21]));
    const result = await run(['create', '--instructions', `@${join(d, 'latin1.txt')}`, 'hi']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`aoai: --instructions: ${join(d, 'latin1.txt')} is not valid UTF-8 (byte offset 3: 0xe9)\nhint: convert it first, e.g. iconv -f LATIN1 -t UTF-8 FILE\n`);
  });

  it('a prompt on stdin that is not UTF-8 is refused, not sent with U+FFFD', async () => {
    const before = posts().length;
    const result = await run(['create'], { input: Buffer.from([0x68, 0x69, 0x20, 0xff, 0xfe]) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^aoai: the prompt on stdin is not valid UTF-8 \(byte offset 3: 0xff\)\n/);
    expect(posts().length).toBe(before);
  });
});

describe('control characters in headers and keys', () => {
  it('-H with a control character in the value is a usage error, nothing sent', async () => {
    const before = ctx.emulator.requests.length;
    const result = await run(['create', '-H', 'x-trace: a\u0001b', 'hi']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("aoai: header 'x-trace' contains a control character 0x01 at position 2\nhint: remove it (a trailing newline from a file is a common cause)\n");
    expect(ctx.emulator.requests.length).toBe(before);
  });

  it('an API key with a newline inside: one line, exit 3, no retries', async () => {
    const before = ctx.emulator.requests.length;
    const result = await run(['create', 'hi'], { env: { ...ctx.env, AZURE_OPENAI_API_KEY: 'abc\ndef' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^aoai: the API key \(from .*AZURE_OPENAI_API_KEY.*\) contains a control character 0x0a at position 4\n/);
    expect(ctx.emulator.requests.length).toBe(before);
  });
});
