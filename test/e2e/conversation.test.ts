// --conversation FILE.jsonl with --no-store: each turn sends the whole file (reasoning carried
// encrypted) and appends its input and output; the service rejects a turn without the reasoning.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAoai } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { tempDir } from '../helpers/temp.ts';

const ctx = useEmulator();
const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...options });
const posts = () => ctx.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses'));
const lastBody = () => posts().at(-1)?.body as { input: Array<Record<string, unknown>>; store: boolean; include: string[] };
const dir = tempDir('aoai-conversation-');
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

describe('--conversation with --no-store', () => {
  it('three turns: the model sees the earlier turns, reasoning travels encrypted, nothing is stored', async () => {
    const file = join(dir, 'chat.jsonl');
    const first = await run(['create', '-m', 'o4-mini', '--no-store', '--conversation', file, 'My name is Ada']);
    expect(first).toMatchObject({ code: 0, stdout: 'Echo: My name is Ada\n' });
    expect(lastBody()).toMatchObject({ store: false, include: ['reasoning.encrypted_content'], input: 'My name is Ada' });
    expect(lines(file).map((item) => item.type ?? item.role)).toEqual(['user', 'reasoning', 'message']);
    expect(typeof lines(file)[1]!.encrypted_content).toBe('string');

    const second = await run(['create', '-m', 'o4-mini', '--no-store', '--conversation', file, 'What is my name?']);
    expect(second.stdout).toBe('Echo: What is my name? (turn 2; earlier: "My name is Ada")\n');
    expect(lastBody().input.map((item) => item.type ?? item.role)).toEqual(['user', 'reasoning', 'message', 'user']);

    const third = await run(['stream', '-m', 'o4-mini', '--no-store', '--conversation', file, 'And again?']);
    expect(third.stdout).toBe('Echo: And again? (turn 3; earlier: "My name is Ada", "What is my name?")\n');
    const history = lines(file);
    expect(history).toHaveLength(9);
    expect(history.filter((item) => item.type === 'reasoning').every((item) => typeof item.encrypted_content === 'string')).toBe(true);
    // store:false: the responses cannot be fetched afterwards.
    const id = String(history.find((item) => item.type === 'message')!.id);
    expect(id).toMatch(/^msg_/);
    const responses = posts().slice(-3);
    expect(responses.every((r) => (r.body as { store: boolean }).store === false)).toBe(true);
  });

  it('the service rejects a stateless turn that drops a reasoning item, and the file is left as it was', async () => {
    const file = join(dir, 'broken.jsonl');
    await run(['create', '-m', 'o4-mini', '--no-store', '--conversation', file, 'first']);
    const withoutReasoning = lines(file).filter((item) => item.type !== 'reasoning');
    writeFileSync(file, withoutReasoning.map((item) => JSON.stringify(item)).join('\n') + '\n');
    const before = readFileSync(file, 'utf8');
    const result = await run(['create', '-m', 'o4-mini', '--no-store', '--conversation', file, 'second']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Item 'msg_\w+' of type 'message' was provided without its required 'reasoning' item: 'rs_\w+'\./);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('a reasoning item without encrypted content cannot be found when nothing is stored', async () => {
    const file = join(dir, 'plain.jsonl');
    await run(['create', '-m', 'o4-mini', '--no-store', '--conversation', file, 'first']);
    const stripped = lines(file).map((item) => {
      const { encrypted_content: _dropped, ...rest } = item;
      void _dropped;
      return rest;
    });
    writeFileSync(file, stripped.map((item) => JSON.stringify(item)).join('\n') + '\n');
    const result = await run(['create', '-m', 'o4-mini', '--no-store', '--conversation', file, 'second']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Item with id 'rs_\w+' not found\. Items are not persisted when `store` is set to false\./);
  });

  it('works with stored responses and function calls too, and rejects bad files and --previous', async () => {
    const file = join(dir, 'tools.jsonl');
    const fn = JSON.stringify({ name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } });
    const result = await run(['create', '-m', 'gpt-4.1', '--no-store', '--conversation', file, '--function', fn, '--exec', 'lookup=echo found', 'lookup cats']);
    expect(result).toMatchObject({ code: 0, stdout: 'lookup returned: found\n' });
    expect(lines(file).map((item) => item.type ?? item.role)).toEqual(['user', 'function_call', 'function_call_output', 'message']);
    expect(lastBody().input.map((item) => item.type ?? item.role)).toEqual(['user', 'function_call', 'function_call_output']);

    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"role":"user","content":"ok"}\nnot json\n');
    const badRun = await run(['create', '-m', 'gpt-4.1', '--conversation', bad, 'x']);
    expect(badRun).toMatchObject({ code: 2 });
    expect(badRun.stderr).toContain('line 2 of');
    const both = await run(['create', '-m', 'gpt-4.1', '--conversation', join(dir, 'new.jsonl'), '--previous', 'resp_1', 'x']);
    expect(both.stderr).toContain('--conversation carries the history itself; drop --previous');
    expect(existsSync(join(dir, 'new.jsonl'))).toBe(false);
  });
});
