import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAoai } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { tempDir } from '../helpers/temp.ts';

const ctx = useEmulator();
const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...options });
const lastBody = () => ctx.emulator.requests.filter((r) => r.method === 'POST').at(-1)?.body as Record<string, unknown>;

describe('aoai create', () => {
  it('prints the output text and nothing else on stdout', async () => {
    const result = await run(['create', '-m', 'gpt-4.1-nano', 'This is a test']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('Echo: This is a test\n');
    expect(result.code).toBe(0);
  });

  it('reads the prompt from a pipe when no arguments are given, and from - among arguments', async () => {
    const piped = await run(['create', '-m', 'gpt-4.1-nano'], { input: 'Summarise this' });
    expect(piped.stdout).toBe('Echo: Summarise this\n');
    const dash = await run(['create', '-m', 'gpt-4.1-nano', 'Before:', '-'], { input: 'piped part' });
    expect(dash.stdout).toBe('Echo: Before: piped part\n');
  });

  it('does not wait on an open stdin when the prompt is given as arguments', async () => {
    const result = await run(['create', '-m', 'gpt-4.1-nano', 'hello'], { openStdin: true, timeoutMs: 10_000 });
    expect(result.stdout).toBe('Echo: hello\n');
  });

  it('--json prints the service JSON unchanged', async () => {
    const result = await run(['create', '-m', 'gpt-4.1-nano', '--json', 'hi'], { input: '' });
    const printed = JSON.parse(result.stdout);
    const served = await fetch(`${ctx.emulator.url}/openai/v1/responses/${printed.id}`, { headers: { 'api-key': ctx.emulator.apiKey } }).then((r) => r.json());
    expect(printed).toEqual(served);
    expect(printed).not.toHaveProperty('output_text');
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('maps every flag into the request', async () => {
    const result = await run([
      'create', '-m', 'o4-mini', '--instructions', 'Be brief', '--max-output-tokens', '500', '--temperature', '0.5',
      '--top-p', '0.9', '--reasoning-effort', 'low', '--reasoning-summary', 'concise', '--store', '--metadata', 'team=cli',
      '--metadata', 'run=7', '--include', 'reasoning.encrypted_content', 'hello',
    ]);
    expect(result.code).toBe(0);
    expect(lastBody()).toEqual({
      model: 'o4-mini', input: 'hello', instructions: 'Be brief', max_output_tokens: 500, temperature: 0.5, top_p: 0.9,
      reasoning: { effort: 'low', summary: 'concise' }, store: true, metadata: { team: 'cli', run: '7' },
      include: ['reasoning.encrypted_content'], stream: false,
    });
  });

  it('--instructions @FILE, --body and --input-items', async () => {
    const dir = tempDir('aoai-create-');
    writeFileSync(join(dir, 'instr.md'), 'From a file');
    writeFileSync(join(dir, 'body.json'), JSON.stringify({ truncation: 'auto', text: { verbosity: 'low' } }));
    writeFileSync(join(dir, 'items.json'), JSON.stringify([{ role: 'user', content: 'earlier question' }, { role: 'assistant', content: 'earlier answer' }]));
    const result = await run(['create', '-m', 'gpt-4.1', '--instructions', `@${join(dir, 'instr.md')}`, '--body', join(dir, 'body.json'), '--input-items', join(dir, 'items.json'), 'now this']);
    expect(result.code).toBe(0);
    expect(lastBody()).toMatchObject({ instructions: 'From a file', truncation: 'auto', text: { verbosity: 'low' } });
    expect(lastBody().input).toEqual([
      { role: 'user', content: 'earlier question' },
      { role: 'assistant', content: 'earlier answer' },
      { role: 'user', content: 'now this' },
    ]);
    expect(result.stdout).toBe('Echo: now this (turn 2; earlier: "earlier question")\n');
  });

  it('--input-items - reads the items from stdin', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', '--input-items', '-'], { input: JSON.stringify([{ role: 'user', content: 'from items' }]) });
    expect(result.stdout).toBe('Echo: from items\n');
  });

  it('--previous chains turns: the model sees the earlier input', async () => {
    const first = await run(['create', '-m', 'gpt-4.1', '--json', 'first question']);
    const id = JSON.parse(first.stdout).id as string;
    const second = await run(['create', '-m', 'gpt-4.1', '--previous', id, 'second question']);
    expect(second.stdout).toBe('Echo: second question (turn 2; earlier: "first question")\n');
  });

  it('--no-store responses cannot be fetched afterwards', async () => {
    const created = await run(['create', '-m', 'gpt-4.1', '--no-store', '--json', 'ephemeral']);
    const id = JSON.parse(created.stdout).id as string;
    const got = await run(['get', id]);
    expect(got.code).toBe(1);
    expect(got.stderr).toMatch(/HTTP 404/);
  });

  it('--background prints the id and status at once', async () => {
    const result = await run(['create', '-m', 'o3', '--background', 'Write me a very long story']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^resp_\w+ queued\n$/);
    expect(result.stderr).toBe('');
  });

  it('--background --wait polls to the end and prints the text', async () => {
    const result = await run(['create', '-m', 'o3', '--background', '--wait', '--poll-interval', '0.05', 'hello later']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Echo: hello later\n');
  });

  it('an incomplete response prints its text, says why on stderr and exits 4', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', '--max-output-tokens', '16', 'Write 100 words']);
    expect(result.code).toBe(4);
    expect(result.stdout.split(' ').length).toBeGreaterThan(5);
    expect(result.stderr).toMatch(/^aoai: response resp_\w+ is incomplete: max_output_tokens\nhint: raise --max-output-tokens\n$/);
  });

  it('a failed response exits 4 with the reason', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', '-H', 'x-emulator-fault: fail', 'doomed']);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/response resp_\w+ failed: server_error: The model failed to generate a response\./);
  });
});

describe('aoai create shows on stderr what stream shows', () => {
  const sameIds = (text: string) => text.replace(/resp_\w+/g, 'resp_ID');
  const args = ['-m', 'o4-mini', '--reasoning-summary', 'auto', 'why is the sky blue'];

  it('reasoning summaries and, with --usage, the usage line, byte for byte as stream', async () => {
    const created = await run(['create', ...args, '--usage']);
    const streamed = await run(['stream', ...args, '--usage']);
    expect(created.code).toBe(0);
    expect(created.stdout).toBe(streamed.stdout);
    expect(created.stderr).toMatch(/^reasoning summary\n\*\*Understanding the request\*\*/);
    expect(created.stderr).toMatch(/\n✓ completed · resp_\w+ · input \d+ · output \d+ \(reasoning \d+\) tokens\n$/);
    expect(sameIds(created.stderr)).toBe(sameIds(streamed.stderr));
  });

  it('--reasoning hide drops the summaries; without --usage a pipe gets no usage line', async () => {
    const hidden = await run(['create', ...args, '--reasoning', 'hide', '--usage']);
    expect(hidden.stderr).toMatch(/^✓ completed · resp_\w+ · /);
    const plain = await run(['create', ...args, '--reasoning', 'hide']);
    expect(plain).toMatchObject({ code: 0, stderr: '' });
  });

  it('aoai get takes --usage and --reasoning too', async () => {
    const id = (JSON.parse((await run(['create', ...args, '--json'])).stdout) as { id: string }).id;
    const got = await run(['get', id, '--usage']);
    expect(got.stderr).toContain('reasoning summary\n');
    expect(got.stderr).toContain(`✓ completed · ${id} · `);
    expect((await run(['get', id, '--reasoning', 'hide'])).stderr).toBe('');
  });
});

describe('aoai create: usage and config errors send nothing', () => {
  const cases: Array<[string, string[], number, RegExp, Record<string, string | undefined>?]> = [
    ['no deployment', ['create', 'hi'], 2, /no deployment: pass -m\/--model/],
    ['no input', ['create', '-m', 'x'], 2, /no input/],
    ['bad temperature', ['create', '-m', 'x', '--temperature', '3', 'hi'], 2, /temperature/],
    ['bad effort', ['create', '-m', 'x', '--reasoning-effort', 'huge', 'hi'], 2, /reasoning-effort/],
    ['background without store', ['create', '-m', 'x', '--background', '--no-store', 'hi'], 2, /background/],
    ['unknown flag', ['create', '--modle', 'x', 'hi'], 2, /unknown option '--modle'/],
    ['bad previous id', ['create', '-m', 'x', '--previous', 'nope', 'hi'], 2, /not a response id/],
    ['missing body file', ['create', '-m', 'x', '--body', '/nonexistent.json', 'hi'], 2, /--body: cannot read \/nonexistent.json: no such file/],
    ['no endpoint', ['create', '-m', 'x', 'hi'], 3, /no endpoint is set/, { AZURE_OPENAI_ENDPOINT: undefined }],
    ['endpoint not a URL', ['create', '-m', 'x', 'hi'], 3, /invalid endpoint 'not-a-url'.*AZURE_OPENAI_ENDPOINT/, { AZURE_OPENAI_ENDPOINT: 'not-a-url' }],
  ];
  for (const [name, args, code, message, env] of cases) {
    it(name, async () => {
      const before = ctx.emulator.requests.length;
      const result = await run(args, { env: { ...ctx.env, ...env } as Record<string, string> });
      expect(result.code).toBe(code);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(ctx.emulator.requests.length).toBe(before);
    });
  }
});
