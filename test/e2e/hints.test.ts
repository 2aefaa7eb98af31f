// Every command aoai prints for the next step runs as printed, in the situation it was printed in:
// each hint below is provoked, cut out of the output exactly as a person would copy it, and run
// through `bash -c` (with `aoai` on PATH) against the emulator. Placeholders a person must fill in
// (`JSON` for a function's result) are sent as they are: the service accepts any string there.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runAoai } from '../helpers/cli.ts';
import { CANARY_API_KEY } from '../helpers/canaries.ts';
import { recordCapture } from '../helpers/captures.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { runOnPty } from '../helpers/pty.ts';
import { tempDir } from '../helpers/temp.ts';

const ctx = useEmulator();
const dir = tempDir('aoai-hints-');
const binDir = join(dir, 'bin');
mkdirSync(binDir);
symlinkSync(BIN, join(binDir, 'aoai'));

const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, cwd: dir, ...options });

const WEATHER = JSON.stringify({
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
});
const MCP = ['--mcp', 'calc=https://mcp.example.com/sse'];

/**
 * The `aoai …` commands in a text, each cut where a person's copy would end: shell words (bare or
 * single-quoted) separated by one space, up to a double space, a "(" word, or the end of the line.
 */
export function printedCommands(text: string): string[] {
  const commands: string[] = [];
  for (const line of text.split('\n')) {
    for (let at = line.indexOf('aoai '); at !== -1; at = line.indexOf('aoai ', at + 1)) {
      if (at > 0 && !/[\s(:]/.test(line[at - 1]!)) continue;
      let end = at + 4;
      for (;;) {
        if (line[end] !== ' ' || line[end + 1] === ' ' || line[end + 1] === '(' || end + 1 >= line.length) break;
        const word = /^(?:[^\s'()\\]|\\.|'[^']*')+/.exec(line.slice(end + 1));
        if (!word) break;
        end += 1 + word[0].length;
      }
      commands.push(line.slice(at, end));
    }
  }
  return commands;
}

/** The printed command after `label: ` in the output. */
function hint(text: string, label: string): string {
  const line = text.split('\n').find((l) => l.includes(`${label} aoai `));
  expect(line, `no "${label}" hint in:\n${text}`).toBeDefined();
  return printedCommands(line!.slice(line!.indexOf(`${label} aoai `) + label.length + 1))[0]!;
}

/** Run a printed command exactly as printed, through bash, with `aoai` on PATH. */
function runPrinted(command: string, env: Record<string, string> = ctx.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { env: { ...env, PATH: `${binDir}:${env.PATH ?? ''}` }, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      recordCapture(`bash -c ${command}`, stdout + stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

/** stderr on a terminal, for the hints shown only there (no colour, no spinner). */
async function runOnTty(args: string[], env: Record<string, string> = ctx.env): Promise<string> {
  return (await runOnPty(args, { env: { ...env, TERM: 'dumb', NO_COLOR: '1', CI: '1' }, cwd: dir })).output;
}

describe('printedCommands', () => {
  it('cuts a hint where a person would stop copying', () => {
    expect(printedCommands("hint: answer: aoai create -m gpt-4.1 --previous resp_1 --function-output call_1=JSON   (JSON: each call's result; …)")).toEqual([
      'aoai create -m gpt-4.1 --previous resp_1 --function-output call_1=JSON',
    ]);
    expect(printedCommands("hint: follow it again: aoai get resp_1 --wait --profile 'my work' (or stop it: aoai cancel resp_1)")).toEqual(["aoai get resp_1 --wait --profile 'my work'", 'aoai cancel resp_1']);
  });
});

describe('every hint runs as printed', () => {
  it('function call → answer with --previous (the deployment included)', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', '--function', WEATHER, 'What is the weather in Paris?']);
    expect(result.code).toBe(5);
    const command = hint(result.stderr, 'answer:');
    expect(command).toMatch(/^aoai create -m gpt-4\.1 --previous resp_\w+ --function-output call_\w+=JSON$/);
    const answered = await runPrinted(command);
    expect(answered.stderr).toBe('');
    expect(answered).toMatchObject({ code: 0 });
    expect(answered.stdout).not.toBe('');
  });

  it('function call with --no-store --conversation → answer through the same file, not --previous', async () => {
    const file = join(dir, 'weather.jsonl');
    const result = await run(['create', '-m', 'gpt-4.1', '--no-store', '--conversation', file, '--function', WEATHER, 'What is the weather in Oslo?']);
    expect(result.code).toBe(5);
    const command = hint(result.stderr, 'answer:');
    expect(command).not.toContain('--previous');
    expect(command).toContain(`--no-store --conversation ${file}`);
    const answered = await runPrinted(command);
    expect(answered).toMatchObject({ code: 0, stderr: '' });
  });

  it('function call with --no-store alone → no command that the service would refuse', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', '--no-store', '--function', WEATHER, 'What is the weather in Rome?']);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/^hint: with --no-store there is no stored response to continue from: keep the history in a file with --conversation FILE/m);
    expect(printedCommands(result.stderr)).toEqual([]);
  });

  it('MCP approval → approve all, and the per-request form a pipe gets', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', ...MCP, 'please echo hi and add 2 and 3']);
    expect(result.code).toBe(5);
    const approved = await runPrinted(hint(result.stderr, 'approve all:'));
    expect(approved).toMatchObject({ code: 0, stderr: expect.not.stringContaining('aoai:') });

    const again = await run(['create', '-m', 'gpt-4.1', ...MCP, 'please echo hi and add 2 and 3']);
    const id = /aoai: (resp_\w+) is waiting/.exec(again.stderr)![1]!;
    const unnamed = await run(['mcp', 'approve', id]);
    expect(unnamed.code).toBe(2);
    const named = await runPrinted(printedCommands(unnamed.stderr.split('\n').find((l) => l.startsWith('hint: '))!)[0]!);
    expect(named.code).toBe(0);
  });

  it('create --background on a terminal → Follow it with: aoai get … --wait', async () => {
    const output = await runOnTty(['create', '-m', 'o3', '--background', 'Write 20 words']);
    const followed = await runPrinted(hint(output, 'Follow it with:'));
    expect(followed.code).toBe(0);
    expect(followed.stdout.split(' ').length).toBeGreaterThanOrEqual(20);
  });

  it('stream --background → by hand: aoai get … --stream', async () => {
    // The notice is decoration, so it is shown on a terminal only.
    const screen = await runOnTty(['stream', '-m', 'o3', '--background', 'Write 20 words']);
    const again = await runPrinted(hint(screen, '(by hand:'));
    expect(again.code).toBe(0);
    expect(again.stdout.trim().split(/\s+/)).toHaveLength(20);
    expect(screen).toContain(again.stdout.trim());
  });

  it('a background stream that keeps dropping → resume by hand: aoai get … --stream --after N', async () => {
    ctx.emulator.addFault('drop-after=5,times=1,stream,method=POST');
    ctx.emulator.addFault('drop-after=0,times=1,stream,method=GET');
    const result = await run(['stream', '-m', 'o3', '--background', '--max-resumes', '0', 'Write 30 words']);
    expect(result.code).toBe(1);
    const command = hint(result.stderr, 'resume by hand:');
    expect(command).toMatch(/--stream --after \d+$/);
    const resumed = await runPrinted(command);
    expect(resumed.code).toBe(0);
    expect(result.stdout + resumed.stdout).toMatch(/\w/);
  });

  it('a cited container file → fetch: aoai files get … --output NAME', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', '--code-interpreter', 'calculate 2 + 3 and save it to a file']);
    const fetched = await runPrinted(hint(result.stderr, 'fetch:'));
    expect(fetched.code).toBe(0);
    expect(readFileSync(join(dir, 'result.txt'), 'utf8')).toBe('5\n');
  });
});

describe('hints name the profile in use (#14 item 9)', () => {
  /** An environment with no connection variables: only the profile knows the endpoint and key. */
  function profileEnv(extra: Record<string, string> = {}): Record<string, string> {
    const env: Record<string, string> = { ...ctx.env, ...extra };
    delete env.AZURE_OPENAI_ENDPOINT;
    delete env.AZURE_OPENAI_API_KEY;
    return env;
  }

  it('a profile without a deployment: the hint sets it in that profile, and then create works', async () => {
    const env = profileEnv();
    expect((await run(['config', 'set', 'endpoint', ctx.emulator.url, '--profile', 'work'], { env })).code).toBe(0);
    expect((await run(['config', 'set', 'api-key', '--profile', 'work'], { env, input: CANARY_API_KEY })).code).toBe(0);
    const failed = await run(['create', 'hi'], { env: profileEnv({ AOAI_PROFILE: 'work' }) });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("hint: or set AZURE_OPENAI_DEPLOYMENT, or run: aoai config set deployment NAME --profile work (profile 'work' does not inherit from 'default')");
    const command = hint(failed.stderr, 'run:').replace(' NAME ', ' gpt-4.1 ');
    expect((await runPrinted(command, env)).code).toBe(0);
    expect(await run(['create', 'hi'], { env: profileEnv({ AOAI_PROFILE: 'work' }) })).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
  });

  it('follow-up hints carry --profile, so they run in a shell without AOAI_PROFILE', async () => {
    const result = await run(['create', '--function', WEATHER, 'What is the weather in Lima?'], { env: profileEnv({ AOAI_PROFILE: 'work' }) });
    expect(result.code).toBe(5);
    const command = hint(result.stderr, 'answer:');
    expect(command).toContain('--profile work');
    expect((await runPrinted(command, profileEnv())).code).toBe(0);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });
});

describe('Global Batch hints', () => {
  const requests = (name: string, count: number) => {
    const path = join(dir, name);
    const line = (i: number) => JSON.stringify({ custom_id: `c${i}`, method: 'POST', url: '/v1/responses', body: { model: 'gpt-4.1', input: `q${i}` } });
    writeFileSync(path, `${Array.from({ length: count }, (_, i) => line(i)).join('\n')}\n`);
    return path;
  };

  it('results of a running job → wait for it: aoai batch get … --wait', async () => {
    // Long enough (20 ms a line) to be running however slow the machine; then cancelled, so the
    // printed command finds it ended at its first look instead of polling once a minute.
    const id = (await run(['batch', 'submit', requests('running.jsonl', 1000)])).stdout.trim();
    const early = await run(['batch', 'results', id]);
    expect(early.code).toBe(4);
    const command = hint(early.stderr, 'wait for it:');
    expect(command).toBe(`aoai batch get ${id} --wait`);
    await run(['batch', 'cancel', id]);
    await run(['batch', 'get', id, '--wait', '--poll-interval', '0.1']);
    const followed = await runPrinted(command);
    expect(followed.code).toBe(4);
    expect(followed.stdout).toMatch(/^status: +cancelled$/m);
  });

  it('a cancelled job → fetch them: aoai batch results … -o results.jsonl', async () => {
    const id = (await run(['batch', 'submit', requests('cancel.jsonl', 200)])).stdout.trim();
    // Cancelled once some lines are done (however fast or slow the machine), so there are results to fetch.
    for (let look = 0; look < 400; look++) {
      const job = JSON.parse((await run(['batch', 'get', id, '--json'])).stdout) as { request_counts?: { completed?: number } };
      if ((job.request_counts?.completed ?? 0) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await run(['batch', 'cancel', id]);
    await run(['batch', 'get', id, '--wait', '--poll-interval', '0.1']);
    const result = await run(['batch', 'get', id, '--wait', '--poll-interval', '0.1']);
    expect(result.code).toBe(4);
    const command = hint(result.stderr, 'fetch them:');
    expect(command).toBe(`aoai batch results ${id} -o results.jsonl`);
    const fetched = await runPrinted(command);
    expect(fetched.code).toBe(4);
    expect(existsSync(join(dir, 'results.jsonl'))).toBe(true);
  });

  it('a page of batch list on a terminal → more: aoai batch list --after … --limit 1', async () => {
    for (let i = 0; i < 2; i++) await run(['batch', 'submit', requests(`page${i}.jsonl`, 1)]);
    const command = hint(await runOnTty(['batch', 'list', '--limit', '1']), 'more:');
    expect(command).toMatch(/^aoai batch list --after batch_\w+ --limit 1$/);
    const next = await runPrinted(command);
    expect(next.code).toBe(0);
    expect(next.stdout.trim().split('\n')).toHaveLength(1);
  });
});
