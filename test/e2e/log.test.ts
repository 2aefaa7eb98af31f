// The local log (docs/log.md): a record per command that creates or continues a response, what
// it keeps and never keeps, concurrent writers, rotation, aoai log / show / usage / purge, and
// -c/--continue chains. Every test runs bin/aoai against the emulator in its own home.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runAoai, sandbox, type Sandbox } from '../helpers/cli.ts';
import { CANARY_API_KEY, CANARY_MCP_HEADER } from '../helpers/canaries.ts';
import { keyEnv, useEmulator } from '../helpers/emulator.ts';
import { TmuxServer, type Pane } from '../helpers/tmux.ts';
import { runOnPty } from '../helpers/pty.ts';
import type { LogRecord } from '../../src/log/record.ts';

const ctx = useEmulator({}, { MCP_TOKEN: CANARY_MCP_HEADER, AZURE_OPENAI_IMAGE_DEPLOYMENT: 'gpt-image-1' });
const boxes: Sandbox[] = [];
const tmux = new TmuxServer();
const panes: Pane[] = [];
afterEach(() => {
  for (const pane of panes.splice(0)) pane.close();
  for (const box of boxes.splice(0)) box.cleanup();
});
afterAll(() => tmux.kill());

/** A fresh home: its own log. */
function home(extra: Record<string, string | undefined> = {}): { box: Sandbox; run: (args: string[], options?: Parameters<typeof runAoai>[1]) => ReturnType<typeof runAoai>; state: string } {
  const box = sandbox({ ...keyEnv(ctx.emulator), MCP_TOKEN: CANARY_MCP_HEADER, AZURE_OPENAI_IMAGE_DEPLOYMENT: 'gpt-image-1', ...extra });
  boxes.push(box);
  const state = join(box.home, '.local', 'state', 'aoai');
  return { box, state, run: (args, options = {}) => runAoai(args, { env: box.env, cwd: box.home, ...options }) };
}

/** The records in the log files, oldest first (log.1.jsonl, then log.jsonl). */
function records(state: string): LogRecord[] {
  const lines: string[] = [];
  for (const name of ['log.1.jsonl', 'log.jsonl']) {
    const path = join(state, name);
    if (existsSync(path)) lines.push(...readFileSync(path, 'utf8').split('\n').filter(Boolean));
  }
  return lines.map((line) => JSON.parse(line) as LogRecord);
}

const m = ['-m', 'gpt-4.1'];
const fault = (spec: string) => ['-H', `x-emulator-fault: ${spec}`];

describe('a record per command', () => {
  it('create: time, profile, host, deployment, id, status, prompt, output, usage, exit; the file is 0600 in a 0700 directory', async () => {
    const { run, state } = home();
    const result = await run(['create', ...m, '--json', 'hello log']);
    expect(result.code).toBe(0);
    const id = JSON.parse(result.stdout).id as string;
    const [record, ...rest] = records(state);
    expect(rest).toEqual([]);
    expect(record).toMatchObject({
      v: 1,
      command: 'create',
      profile: 'default',
      endpoint: new URL(ctx.emulator.url).host,
      deployment: 'gpt-4.1',
      id,
      status: 'completed',
      previous_response_id: null,
      stored: true,
      prompt: 'hello log',
      output: 'Echo: hello log',
      exit: 0,
    });
    expect(record!.usage!.total_tokens).toBeGreaterThan(0);
    expect(Date.now() - Date.parse(record!.time)).toBeLessThan(60_000);
    expect(statSync(join(state, 'log.jsonl')).mode & 0o777).toBe(0o600);
    expect(statSync(state).mode & 0o777).toBe(0o700);
  });

  it('stream, a failed request and --no-store each leave a record with their status and exit code', async () => {
    const { run, state } = home();
    expect((await run(['stream', ...m, 'streamed'])).code).toBe(0);
    const failed = await run(['create', ...m, '--max-retries', '0', ...fault('status=500'), 'doomed']);
    expect(failed.code).toBe(1);
    expect((await run(['create', ...m, '--no-store', 'unkept'])).code).toBe(0);
    const [streamed, error, unstored] = records(state);
    expect(streamed).toMatchObject({ command: 'stream', status: 'completed', prompt: 'streamed', output: 'Echo: streamed', exit: 0 });
    expect(streamed!.id).toMatch(/^resp_/);
    expect(error).toMatchObject({ command: 'create', id: null, status: 'error', prompt: 'doomed', exit: 1 });
    expect(error!.error).toMatch(/500/);
    expect(unstored).toMatchObject({ stored: false, status: 'completed', prompt: 'unkept' });
  });

  it('batch run: one record for the whole run (not one per line), with its requests, summed usage, files and ending', async () => {
    const { run, state, box } = home();
    const out = join(box.home, 'answers.jsonl');
    const ok = await run(['batch', 'run', ...m, '-o', out, '-'], { input: 'one\ntwo\nthree\n' });
    expect(ok.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { response: { body: { usage: { input_tokens: number; output_tokens: number } } } });
    const failed = await run(['batch', 'run', ...m, '--retries', '0', ...fault('status=500'), '-'], { input: 'doomed\n' });
    expect(failed.code).toBe(1);
    const [whole, broken, ...rest] = records(state);
    expect(rest).toEqual([]);
    const sum = (key: 'input_tokens' | 'output_tokens') => lines.reduce((total, line) => total + line.response.body.usage[key], 0);
    expect(whole).toMatchObject({ command: 'batch run', deployment: 'gpt-4.1', status: 'completed', requests: 3, exit: 0, files: [out], prompt: 'batch of 3 requests from standard input' });
    expect(whole!.usage).toMatchObject({ input_tokens: sum('input_tokens'), output_tokens: sum('output_tokens') });
    expect(whole!.usage!.input_tokens).toBeGreaterThan(0);
    expect(broken).toMatchObject({ command: 'batch run', status: 'incomplete', requests: 1, exit: 1, usage: null });
    expect(broken!.error).toMatch(/^1 of 1 requests failed/);
    expect((await run(['batch', 'run', ...m, '--no-log', '-'], { input: 'unlogged\n' })).code).toBe(0);
    expect(records(state)).toHaveLength(2);
  });

  it('image: the saved paths, never the image data', async () => {
    const { run, state, box } = home();
    const result = await run(['image', ...m, '--size', '64x48', 'a small gray cat']);
    expect(result.code).toBe(0);
    const saved = result.stdout.trim();
    const [record] = records(state);
    expect(record).toMatchObject({ command: 'image', status: 'completed', prompt: 'a small gray cat', exit: 0 });
    expect(record!.files).toEqual([saved]);
    expect(existsSync(join(box.home, saved)) || existsSync(saved)).toBe(true);
    const text = readFileSync(join(state, 'log.jsonl'), 'utf8');
    expect(text.length).toBeLessThan(4000);
    expect(text).not.toMatch(/iVBORw0KGgo|[A-Za-z0-9+/]{200}/);
  });

  it('mcp approve: its own record, continuing the response that asked; header values never stored', async () => {
    const { run, state } = home();
    const server = ['--mcp', 'calc=https://mcp.example.com/sse', '--mcp-header', 'calc:Authorization=$MCP_TOKEN'];
    const asked = await run(['create', ...m, ...server, '--json', 'please echo hi and add 2 and 3']);
    expect(asked.code).toBe(5);
    const id = JSON.parse(asked.stdout).id as string;
    const approved = await run(['mcp', 'approve', id, '--all', '--mcp-header', 'calc:Authorization=$MCP_TOKEN']);
    expect(approved.code).toBe(0);
    const [first, second] = records(state);
    expect(first).toMatchObject({ command: 'create', id, status: 'completed', exit: 5 });
    expect(second).toMatchObject({ command: 'mcp approve', previous_response_id: id, status: 'completed', exit: 0 });
    expect(readFileSync(join(state, 'log.jsonl'), 'utf8')).not.toContain(CANARY_MCP_HEADER);
  });

  it('a tool loop (--exec) is one record: the last response, usage summed over every round', async () => {
    const { run, state } = home();
    const weather = JSON.stringify({ name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer', minimum: 1, maximum: 7 } }, required: ['location', 'unit', 'days'], additionalProperties: false }, strict: true });
    const result = await run(['create', ...m, '--function', weather, '--exec', 'get_weather=echo sunny', '--json', 'Weather in Paris?']);
    expect(result.code).toBe(0);
    const final = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { id: string; usage: { total_tokens: number } };
    const all = records(state);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: final.id, prompt: 'Weather in Paris?', exit: 0 });
    expect(all[0]!.usage!.total_tokens).toBeGreaterThan(final.usage.total_tokens);
  });

  it('the key and other registered secrets never reach the log, even when the prompt contains them', async () => {
    const { run, state } = home();
    // The Echo model repeats the prompt: stdout goes to /dev/null, or the suite's scan would (rightly) find the key there.
    const quiet = ['sh', '-c', '"$@" > /dev/null', 'sh'];
    expect((await run(['create', ...m, `my key is ${CANARY_API_KEY}`], { via: quiet })).code).toBe(0);
    const text = readFileSync(join(state, 'log.jsonl'), 'utf8');
    expect(text).not.toContain(CANARY_API_KEY);
    expect(records(state)[0]!.prompt).toBe('my key is ***');
  });

  it('prompt and output are cut to their first 8 KB, and say so', async () => {
    const { run, state } = home();
    const long = `${'é'.repeat(6000)} end`;
    expect((await run(['create', ...m, long])).code).toBe(0);
    const [record] = records(state);
    expect(Buffer.byteLength(record!.prompt!)).toBeLessThanOrEqual(8192);
    expect(long.startsWith(record!.prompt!)).toBe(true);
    expect(record!.truncated).toEqual(['prompt', 'output']);
    const shown = await run(['log', 'show', '-1']);
    expect(shown.stdout).toContain('prompt (cut to its first 8 KB):');
  });
});

describe('log modes', () => {
  it('--no-log leaves a command out; log off keeps nothing; ids-only keeps ids and usage, no text', async () => {
    const { run, state } = home();
    expect((await run(['create', ...m, '--no-log', 'secret plan'])).code).toBe(0);
    expect(existsSync(join(state, 'log.jsonl'))).toBe(false);
    expect((await run(['config', 'set', 'log', 'off'])).code).toBe(0);
    expect((await run(['stream', ...m, 'also secret'])).code).toBe(0);
    expect(existsSync(join(state, 'log.jsonl'))).toBe(false);
    const empty = await run(['log']);
    expect(empty).toMatchObject({ code: 0, stdout: '' });
    const continued = await run(['create', ...m, '-c', 'more']);
    expect(continued.code).toBe(2);
    expect(continued.stderr).toBe("aoai: --continue reads the local log, which is off for profile 'default'\nhint: name the response with --previous resp_…, or turn the log on: aoai config set log ids-only\n");
    expect((await run(['config', 'set', 'log', 'ids-only'])).code).toBe(0);
    const created = await run(['create', ...m, '--json', 'private words']);
    const [record, ...rest] = records(state);
    expect(rest).toEqual([]);
    expect(record).toMatchObject({ id: JSON.parse(created.stdout).id, status: 'completed', exit: 0 });
    expect(record!.usage!.total_tokens).toBeGreaterThan(0);
    expect(readFileSync(join(state, 'log.jsonl'), 'utf8')).not.toContain('private');
    // AOAI_LOG overrides the profile, as the environment does for every setting.
    expect((await run(['create', ...m, 'words kept'], { env: { ...boxes.at(-1)!.env, AOAI_LOG: 'full' } })).code).toBe(0);
    expect(records(state).at(-1)!.prompt).toBe('words kept');
  });

  it('a command a signal ends (Ctrl-C, SIGTERM) still leaves its record, with the exit code', async () => {
    const { run, state } = home();
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      const before = ctx.emulator.requests.length;
      const result = await run(['create', ...m, ...fault('delay-ms=8000'), `cut short by ${signal}`], {
        // Once the request is in flight (a fixed delay races start-up on a busy machine).
        onSpawn: (child) => {
          const poll = setInterval(() => {
            if (ctx.emulator.requests.length > before) {
              clearInterval(poll);
              child.kill(signal);
            }
          }, 20);
        },
      });
      expect(result.code).toBe(code);
    }
    expect(records(state).map((r) => [r.prompt, r.status, r.exit, r.id])).toEqual([
      ['cut short by SIGINT', 'error', 130, null],
      ['cut short by SIGTERM', 'error', 143, null],
    ]);
  });

  it('an unwritable state directory never fails the command', async () => {
    const { run, box } = home();
    const notADirectory = join(box.home, 'a-file');
    writeFileSync(notADirectory, '');
    const result = await run(['create', ...m, 'hi'], { env: { ...box.env, AOAI_STATE_DIR: join(notADirectory, 'state') } });
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n', stderr: '' });
  });
});

describe('concurrent writers and rotation', () => {
  it('20 aoai create at once leave exactly 20 whole records', { timeout: 120_000 }, async () => {
    const { run, state } = home();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => run(['create', ...m, '--json', `parallel ${i} ${'x'.repeat(2000)}`], { timeoutMs: 100_000 })));
    expect(results.map((r) => r.code)).toEqual(Array(20).fill(0));
    const lines = readFileSync(join(state, 'log.jsonl'), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(20);
    const parsed = lines.map((line) => JSON.parse(line) as LogRecord);
    expect(new Set(parsed.map((r) => r.id)).size).toBe(20);
    expect(parsed.map((r) => r.id).sort()).toEqual(results.map((r) => JSON.parse(r.stdout).id).sort());
    expect(new Set(parsed.map((r) => r.prompt!.split(' ')[1])).size).toBe(20);
  });

  it('past the size cap the file is rotated to log.1.jsonl; aoai log reads both, newest first', async () => {
    const { run, state } = home({ AOAI_LOG_MAX_MB: String(3000 / 1024 / 1024) });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(JSON.parse((await run(['create', ...m, '--json', `round ${i} ${'y'.repeat(500)}`])).stdout).id);
    expect(existsSync(join(state, 'log.1.jsonl'))).toBe(true);
    for (const name of ['log.jsonl', 'log.1.jsonl']) expect(statSync(join(state, name)).size).toBeLessThan(3000 + 2000);
    const listed = (await run(['log', '-n', '100'])).stdout.trim().split('\n').map((line) => line.split('\t')[0]);
    // Oldest records went with an earlier rotation; what is left is the newest, in order.
    expect(listed.length).toBeGreaterThanOrEqual(3);
    expect(listed.length).toBeLessThan(8);
    expect(listed).toEqual(ids.slice(-listed.length).reverse());
  });
});

describe('-c/--continue', () => {
  it('chains create, stream and create -c N on the latest responses of the profile, with their deployment', async () => {
    const { run, state } = home({ AZURE_OPENAI_DEPLOYMENT: undefined });
    const a = JSON.parse((await run(['create', ...m, '--json', 'alpha'])).stdout).id as string;
    const b = await run(['create', '-c', 'beta', '--json']);
    expect(b.code).toBe(0);
    const bId = JSON.parse(b.stdout).id as string;
    expect(JSON.parse(b.stdout).output[0].content[0].text).toBe('Echo: beta (turn 2; earlier: "alpha")');
    const c = await run(['stream', '--continue', 'gamma']);
    expect(c.stdout).toBe('Echo: gamma (turn 3; earlier: "alpha", "beta")\n');
    const d = await run(['create', '-c', '3', 'delta']);
    expect(d.stdout).toBe('Echo: delta (turn 2; earlier: "alpha")\n');
    const e = await run(['create', '--continue', bId, 'epsilon']);
    expect(e.stdout).toBe('Echo: epsilon (turn 3; earlier: "alpha", "beta")\n');
    const chain = records(state).map((r) => [r.prompt, r.previous_response_id]);
    expect(chain).toEqual([
      ['alpha', null],
      ['beta', a],
      ['gamma', bId],
      ['delta', a],
      ['epsilon', bId],
    ]);
  });

  it('skips --no-store responses, says so when nothing is left, and refuses to continue one by id', async () => {
    const { run } = home();
    const unstored = JSON.parse((await run(['create', ...m, '--no-store', '--json', 'gone'])).stdout).id as string;
    const nothing = await run(['create', '-c', 'next']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/^aoai: --continue: no response to continue in the log of profile 'default' \(1 made with --no-store skipped/);
    const byId = await run(['create', '--continue', unstored, 'next']);
    expect(byId.code).toBe(2);
    expect(byId.stderr).toContain(`aoai: ${unstored} was created with --no-store`);
    expect(ctx.emulator.requests.filter((r) => (r.body as { input?: unknown } | undefined)?.input === 'next')).toEqual([]);
  });

  it('another profile has its own latest response', async () => {
    const { run, state } = home();
    await run(['create', ...m, 'default one']);
    const work = await run(['create', ...m, '--profile', 'work', '--json', 'work one']);
    await run(['create', ...m, 'default two']);
    expect((await run(['create', '--profile', 'work', ...m, '-c', 'work two'])).code).toBe(0);
    expect(records(state).at(-1)).toMatchObject({ profile: 'work', previous_response_id: JSON.parse(work.stdout).id });
  });

  it('chat --continue picks up where create left off; each chat turn is a record', { timeout: 60_000 }, async () => {
    const { box, state, run } = home();
    const first = JSON.parse((await run(['create', ...m, '--json', 'from create'])).stdout).id as string;
    const pane = tmux.aoai(['chat', '--continue'], { env: box.env, cwd: box.home });
    panes.push(pane);
    await pane.waitFor('/help for commands');
    expect(pane.screen()).toMatch(new RegExp(`continuing ${first} \\(\\d+s ago: from create\\)`));
    pane.line('from chat');
    const screen = await pane.waitForCount(/✓ completed · resp_/, 1);
    expect(screen).toContain('Echo: from chat (turn 2; earlier: "from create")');
    pane.press('C-d');
    expect(await pane.exitCode()).toBe(0);
    expect(records(state).at(-1)).toMatchObject({ command: 'chat', prompt: 'from chat', previous_response_id: first, status: 'completed', exit: 0 });
  });
});

describe('aoai log, show, usage, purge', () => {
  it('lists newest first, tab-separated on a pipe; filters by time, model, status, text and profile; --json and --jsonl', async () => {
    const { run, state } = home();
    await run(['create', ...m, 'first about invoices']);
    await run(['create', '-m', 'o4-mini', 'second\nwith two lines']);
    await run(['create', ...m, '--profile', 'work', 'third']);
    await run(['create', ...m, '--max-retries', '0', ...fault('status=500'), 'fourth fails']);
    const list = await run(['log']);
    expect(list.code).toBe(0);
    const rows = list.stdout.trim().split('\n').map((line) => line.split('\t'));
    expect(rows.map((row) => row[7])).toEqual(['fourth fails', 'third', 'second', 'first about invoices']);
    expect(rows[0]!.slice(0, 1)).toEqual(['-']);
    expect(rows[0]!.slice(2, 5)).toEqual(['default', 'gpt-4.1', 'error']);
    expect(rows[0]![6]).toBe('1');
    expect(rows[1]![2]).toBe('work');
    const ids = (args: string[]) => run(['log', ...args]).then((r) => r.stdout.trim().split('\n').filter(Boolean).map((line) => line.split('\t')[7]));
    expect(await ids(['-n', '2'])).toEqual(['fourth fails', 'third']);
    expect(await ids(['--model', 'o4-mini'])).toEqual(['second']);
    expect(await ids(['--status', 'error'])).toEqual(['fourth fails']);
    expect(await ids(['-q', 'INVOICE'])).toEqual(['first about invoices']);
    expect(await ids(['-q', 'echo: second'])).toEqual(['second']);
    expect(await ids(['--profile', 'work'])).toEqual(['third']);
    expect(await ids(['--since', '1h'])).toHaveLength(4);
    expect(await ids(['--since', '2999-01-01'])).toEqual([]);
    const json = JSON.parse((await run(['log', '--json', '-n', '2'])).stdout) as LogRecord[];
    expect(json.map((r) => r.prompt)).toEqual(['fourth fails', 'third']);
    const jsonl = (await run(['log', '--jsonl'])).stdout.trim().split('\n').map((line) => JSON.parse(line) as LogRecord);
    expect(jsonl).toEqual([...records(state)].reverse());
  });

  it('on a terminal: aligned columns under a header, ages, remote text shown not obeyed, cut to the width', async () => {
    const { run, box } = home();
    await run(['create', ...m, '--max-output-tokens', '16', 'a prompt with \u001b[31mred\u001b[0m in it and a long tail that goes on and on and on']);
    await run(['create', '-m', 'o4-mini', 'short']);
    const { code, output } = await runOnPty(['log'], { env: box.env, cwd: box.home, columns: 120 });
    expect(code).toBe(0);
    const lines = output.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +AGE +DEPLOYMENT +STATUS +TOKENS +PROMPT$/);
    expect(lines[1]).toMatch(/^resp_\w+ +\d+s +o4-mini +completed +\d+ +short$/);
    expect(lines[2]).toMatch(/^resp_\w+ +\d+s +gpt-4\.1 +\w+ +\d+ +a prompt with \^\[\[31mred/);
    expect(lines[2]).toMatch(/…$/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(120);
    expect(lines[1]!.indexOf('o4-mini')).toBe(lines[2]!.indexOf('gpt-4.1'));
    expect(output).not.toContain('\u001b[31m');
    const shown = await runOnPty(['log', 'show', '-2'], { env: box.env, cwd: box.home });
    expect(shown.output).toContain('a prompt with ^[[31mred^[[0m in it');
  });

  it('log show prints the local copy after aoai delete removed the service copy', async () => {
    const { run } = home();
    const id = JSON.parse((await run(['create', ...m, '--json', 'keep me locally'])).stdout).id as string;
    expect((await run(['delete', id])).code).toBe(0);
    expect((await run(['get', id])).code).not.toBe(0);
    const shown = await run(['log', 'show', id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`id:          ${id}\n`);
    expect(shown.stdout).toContain('\nprompt:\nkeep me locally\n\noutput:\nEcho: keep me locally\n');
    expect(shown.stdout).toMatch(/usage: +input \d+ · output \d+ · total \d+ tokens/);
    const newest = await run(['log', 'show', '-1', '--json']);
    expect(JSON.parse(newest.stdout)).toMatchObject({ id, prompt: 'keep me locally' });
  });

  it('log usage sums tokens by day and deployment', async () => {
    const { run, state } = home();
    await run(['create', ...m, 'one']);
    await run(['create', ...m, 'two']);
    await run(['create', '-m', 'o4-mini', 'three']);
    const rows = JSON.parse((await run(['log', 'usage', '--since', '1d', '--json'])).stdout) as Array<{ deployment: string; responses: number; total_tokens: number }>;
    const all = records(state);
    const sum = (deployment: string) => all.filter((r) => r.deployment === deployment).reduce((total, r) => total + r.usage!.total_tokens, 0);
    expect(rows.map((row) => [row.deployment, row.responses, row.total_tokens])).toEqual([
      ['gpt-4.1', 2, sum('gpt-4.1')],
      ['o4-mini', 1, sum('o4-mini')],
    ]);
    const tsv = (await run(['log', 'usage'])).stdout.trim().split('\n');
    expect(tsv[0]).toMatch(/^\d{4}-\d{2}-\d{2}\tgpt-4\.1\t2\t/);
  });

  it('log purge --before keeps the newer records; log purge removes them all', async () => {
    const { run, state } = home();
    mkdirSync(state, { recursive: true, mode: 0o700 });
    const old = { v: 1, time: '2020-01-01T00:00:00.000Z', command: 'create', profile: 'default', endpoint: null, deployment: 'gpt-4.1', id: 'resp_old', status: 'completed', previous_response_id: null, stored: true, usage: null, exit: 0 };
    writeFileSync(join(state, 'log.1.jsonl'), `${JSON.stringify(old)}\n`, { mode: 0o600 });
    await run(['create', ...m, 'recent']);
    expect(records(state)).toHaveLength(2);
    expect((await run(['log', 'purge', '--before', '30d'])).code).toBe(0);
    expect(records(state).map((r) => r.prompt)).toEqual(['recent']);
    expect(existsSync(join(state, 'log.1.jsonl'))).toBe(false);
    expect(statSync(join(state, 'log.jsonl')).mode & 0o777).toBe(0o600);
    expect((await run(['log', 'purge'])).code).toBe(0);
    expect(records(state)).toEqual([]);
  });

  it('a background job logged as queued is completed in the log when aoai get sees it end: status, output, usage counted once', async () => {
    const { run, state } = home();
    const created = await run(['create', ...m, '--background', '--json', 'in the background']);
    expect(created.code).toBe(0);
    const id = (JSON.parse(created.stdout) as { id: string }).id;
    expect(records(state).map((r) => [r.command, r.id, r.status, r.usage])).toEqual([['create', id, 'queued', null]]);
    expect((await run(['get', id, '--wait'])).code).toBe(0);
    const [queued, completed] = records(state);
    expect(completed).toMatchObject({ command: 'get', id, status: 'completed', exit: 0, requests: 0, prompt: queued!.prompt, output: 'Echo: in the background' });
    expect(completed!.usage!.total_tokens).toBeGreaterThan(0);
    // Seen final again: nothing more to write.
    expect((await run(['get', id])).code).toBe(0);
    expect(records(state)).toHaveLength(2);
    const [row] = JSON.parse((await run(['log', 'usage', '--json'])).stdout) as Array<{ responses: number; total_tokens: number }>;
    expect(row).toMatchObject({ responses: 1, total_tokens: completed!.usage!.total_tokens });
    expect((await run(['log', 'show', id, '--json'])).stdout).toContain('"status":"completed"');
  });

  it('log purge loses no record a command appends while it runs', { timeout: 60_000 }, async () => {
    const { run, state } = home();
    mkdirSync(state, { recursive: true, mode: 0o700 });
    const log = join(state, 'log.jsonl');
    // As a command appends: open with O_APPEND, one write of one line, close; for 4 s, about a line
    // a millisecond, while purges run one after another.
    const writer = spawn(process.execPath, [
      '-e',
      `const fs = require('node:fs');
       const until = Date.now() + 4000;
       let i = 0;
       function next() {
         if (Date.now() > until) { process.stdout.write(String(i)); return; }
         fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ v: 1, time: new Date().toISOString(), command: 'create', profile: 'default', endpoint: null, deployment: 'gpt-4.1', id: 'resp_w' + i++, status: 'completed', previous_response_id: null, stored: true, usage: null, exit: 0 }) + '\\n', { mode: 0o600 });
         setTimeout(next, 1);
       }
       next();`,
    ]);
    let written = '';
    writer.stdout.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const finished = new Promise((resolve) => writer.on('exit', resolve));
    let purges = 0;
    while (writer.exitCode === null) {
      expect((await run(['log', 'purge', '--before', '30d'])).code).toBe(0);
      purges++;
    }
    await finished;
    expect(writer.exitCode).toBe(0);
    expect(purges).toBeGreaterThan(3);
    const ids = records(state).map((r) => r.id);
    expect(Number(written)).toBeGreaterThan(1000);
    expect(ids).toHaveLength(Number(written));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
