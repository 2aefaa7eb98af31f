// aoai completion: scripts generated from the command tree, checked by running the bash one in
// a real bash, and the local log (aoai log) that completes response ids.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordCapture } from '../helpers/captures.ts';
import { BIN, runAoai, sandbox } from '../helpers/cli.ts';
import { keyEnv, useEmulator } from '../helpers/emulator.ts';
import { tempDir } from '../helpers/temp.ts';

const ctx = useEmulator();
const run = (args: string[]) => runAoai(args, { env: ctx.env });

function bash(script: string, cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { env: ctx.env, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      recordCapture(`bash: ${script.slice(0, 80)}`, stdout + stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What bash offers for a command line ending at the cursor (a trailing space starts a new word). */
async function complete(line: string, cwd?: string): Promise<string[]> {
  const words = line.split(' ');
  const array = words.map((w, i) => (i === 0 ? `'${BIN}'` : `'${w}'`)).join(' ');
  const result = await bash(`source <('${BIN}' completion bash) && COMP_WORDS=(${array}) && COMP_CWORD=${words.length - 1} && _aoai && printf '%s\\n' "\${COMPREPLY[@]}"`, cwd);
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean);
}

describe('aoai completion bash', () => {
  it('loads in bash and registers itself', async () => {
    const result = await bash(`source <('${BIN}' completion bash); complete -p aoai`);
    expect(result).toMatchObject({ code: 0, stdout: 'complete -F _aoai aoai\n', stderr: '' });
  });

  it('completes commands and nested verbs', async () => {
    expect(await complete('aoai cr')).toEqual(['create']);
    expect(await complete('aoai c')).toEqual(['create', 'chat', 'cancel', 'config', 'completion']);
    expect(await complete('aoai config s')).toEqual(['set']);
    expect(await complete('aoai --debug config ')).toEqual(['set', 'get', 'unset', 'list', 'path']);
    // The hidden helper is not offered.
    expect(await complete('aoai _')).toEqual([]);
  });

  it("completes a command's flags, its own and the global ones", async () => {
    expect(await complete('aoai create --reasoning')).toEqual(['--reasoning-effort', '--reasoning-summary', '--reasoning']);
    expect(await complete('aoai items resp_1 --j')).toEqual(['--json', '--jsonl']);
    expect(await complete('aoai get --max-r')).toEqual(['--max-resumes', '--max-retries']);
    expect(await complete('aoai cancel --ver')).toEqual([]);
    expect(await complete('aoai --ver')).toEqual(['--version']);
  });

  it('completes the values of flags declared with choices', async () => {
    expect(await complete('aoai create --reasoning-effort ')).toEqual(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
    expect(await complete('aoai create -m gpt-4.1 --reasoning-effort h')).toEqual(['high']);
    expect(await complete('aoai stream --reasoning-summary c')).toEqual(['concise']);
    expect(await complete('aoai --auth e')).toEqual(['entra']);
    expect(await complete('aoai get resp_1 --credential m')).toEqual(['managed-identity']);
    expect(await complete('aoai items resp_1 --order ')).toEqual(['asc', 'desc']);
    expect(await complete('aoai completion ')).toEqual(['bash', 'zsh', 'fish']);
    expect(await complete('aoai config set api-')).toEqual(['api-key', 'api-version', 'api-key-command']);
  });

  it('skips flag values when finding the command (a value is not a subcommand)', async () => {
    expect(await complete('aoai --profile config create --')).toContain('--model');
    expect(await complete('aoai create -m config ')).toEqual([]);
  });

  it('completes file names for file flags', async () => {
    const dir = tempDir('aoai-complete-');
    writeFileSync(join(dir, 'body.json'), '{}');
    writeFileSync(join(dir, 'bonus.txt'), '');
    mkdirSync(join(dir, 'other'));
    expect((await complete('aoai create --body bo', dir)).sort()).toEqual(['body.json', 'bonus.txt']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes response ids from the ones aoai created here, newest first', async () => {
    const first = JSON.parse((await run(['create', '-m', 'gpt-4.1', '--json', 'one'])).stdout).id as string;
    const streamed = await run(['stream', '-m', 'gpt-4.1', '--json', 'two']);
    const second = JSON.parse(streamed.stdout.split('\n')[0]!).response.id as string;
    await run(['create', '-m', 'gpt-4.1', '--no-store', 'not kept']);
    const ids = (await run(['__complete-ids'])).stdout.trim().split('\n');
    expect(ids.slice(0, 2)).toEqual([second, first]);
    expect(ids).toHaveLength(2);
    expect(await complete('aoai get ')).toEqual([second, first]);
    expect(await complete(`aoai get ${second.slice(0, -2)}`)).toEqual([second]);
    expect(await complete('aoai create --previous ')).toEqual([second, first]);
    expect(await complete(`aoai delete ${first} `)).toEqual([second, first]);
    expect(await complete(`aoai get ${first} `)).toEqual([]);
    const file = join(ctx.box.home, '.local', 'state', 'aoai', 'log.jsonl');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('ids from the log', () => {
  it('offers the last 50 stored ids, newest first, each once, never a line that is not an id', async () => {
    const box = sandbox(keyEnv(ctx.emulator));
    try {
      const dir = join(box.home, '.local', 'state', 'aoai');
      mkdirSync(dir, { recursive: true });
      const record = (id: string, stored = true) => JSON.stringify({ v: 1, time: new Date().toISOString(), command: 'create', profile: 'default', endpoint: null, deployment: 'd', id, status: 'completed', previous_response_id: null, stored, usage: null, exit: 0 });
      const lines = Array.from({ length: 55 }, (_, i) => record(`resp_${i}`));
      lines.push(record('resp_10'), record('resp_unstored', false), record('$(touch pwned)'), 'not json at all');
      appendFileSync(join(dir, 'log.jsonl'), `${lines.join('\n')}\n`);
      const ids = (await runAoai(['__complete-ids'], { env: box.env })).stdout.trim().split('\n');
      expect(ids).toHaveLength(50);
      expect(ids.slice(0, 3)).toEqual(['resp_10', 'resp_54', 'resp_53']);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.every((id) => /^resp_\d+$/.test(id))).toBe(true);
    } finally {
      box.cleanup();
    }
  });

  it('commands finishing at the same moment keep each other\'s ids (appended, not rewritten)', async () => {
    const box = sandbox(keyEnv(ctx.emulator));
    try {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => runAoai(['create', '-m', 'gpt-4.1', '--json', `parallel ${i}`], { env: box.env })));
      const created = results.map((result) => (JSON.parse(result.stdout) as { id: string }).id);
      const remembered = (await runAoai(['__complete-ids'], { env: box.env })).stdout.split('\n').filter(Boolean);
      expect(remembered.sort()).toEqual(created.sort());
    } finally {
      box.cleanup();
    }
  });

  it('an unwritable state directory never fails the command', async () => {
    const notADirectory = join(ctx.box.home, 'a-file');
    writeFileSync(notADirectory, '');
    const result = await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: { ...ctx.env, AOAI_STATE_DIR: join(notADirectory, 'state') } });
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n', stderr: '' });
  });
});

describe('aoai completion zsh and fish', () => {
  it('zsh: a compdef script with the same lookup tables', async () => {
    const result = await run(['completion', 'zsh']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('#compdef aoai\n')).toBe(true);
    expect(result.stdout).toContain("'create|--reasoning-effort') echo 'none minimal low medium high xhigh' ;;");
    expect(result.stdout).toContain('compdef _aoai aoai');
    // The lookup functions are shared with bash, so bash can at least parse them.
    const parsed = await bash(`bash -n <<'EOF'\n${result.stdout.split('\n_aoai() {')[0]}\nEOF`);
    expect(parsed.code).toBe(0);
  });

  it('fish: complete lines per command, with descriptions and values', async () => {
    const result = await run(['completion', 'fish']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toContain(`complete -c aoai -n "__aoai_at ''" -a 'create' -d 'create a response and print its output text'`);
    expect(lines).toContain(`complete -c aoai -n "__aoai_at 'create'" -l reasoning-effort -x -a 'none minimal low medium high xhigh' -d 'reasoning effort for reasoning models'`);
    expect(lines).toContain(`complete -c aoai -n "__aoai_at 'create'" -s m -l model -x -d 'deployment name (default: $AZURE_OPENAI_DEPLOYMENT or profile deployment)'`);
    expect(lines).toContain(`complete -c aoai -n "__aoai_at 'get'" -a '(aoai __complete-ids)'`);
    expect(lines).toContain(`complete -c aoai -n "__aoai_at 'create'" -l body -r -F -d 'JSON object merged into the request, for fields without a flag'`);
  });

  it('every command in --help is in the scripts', async () => {
    const help = (await run(['--help'])).stdout;
    const commands = [...help.matchAll(/^ {2}([a-z][\w-]*)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    const script = (await run(['completion', 'bash'])).stdout;
    const top = /''\) echo '([^']+)'/.exec(script)?.[1]?.split(' ') ?? [];
    expect(commands.length).toBeGreaterThan(5);
    for (const command of commands) expect(top).toContain(command);
  });
});
