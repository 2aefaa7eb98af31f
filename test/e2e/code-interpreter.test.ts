// --code-interpreter and --container-file: the tool in the request, the code and its output on
// stderr, and files the model cites listed with the command that fetches them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAoai } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { tempDir } from '../helpers/temp.ts';

const ctx = useEmulator();
const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...options });
const lastBody = () => ctx.emulator.requests.filter((r) => r.method === 'POST').at(-1)?.body as Record<string, unknown>;
const dir = tempDir('aoai-ci-');

describe('--code-interpreter', () => {
  it('adds the tool (with --container-file ids) and asks for the outputs', async () => {
    await run(['create', '-m', 'gpt-4.1', '--code-interpreter', '--container-file', 'file-aaa', '--container-file', 'file-bbb', 'hello']);
    expect(lastBody()).toMatchObject({
      tools: [{ type: 'code_interpreter', container: { type: 'auto', file_ids: ['file-aaa', 'file-bbb'] } }],
      include: ['code_interpreter_call.outputs'],
    });
    await run(['create', '-m', 'gpt-4.1', '--code-interpreter', 'hello']);
    expect(lastBody().tools).toEqual([{ type: 'code_interpreter', container: { type: 'auto' } }]);
    const orphan = await run(['create', '-m', 'gpt-4.1', '--container-file', 'file-aaa', 'hello']);
    expect(orphan).toMatchObject({ code: 2 });
    expect(orphan.stderr).toContain('--container-file needs --code-interpreter');
  });

  it('shows the code and its logs on stderr and the answer on stdout, streamed or not', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', '--code-interpreter', 'calculate 6 * 7 in python']);
    expect(result).toMatchObject({ code: 0, stdout: 'I ran the code; it printed: 42\n' });
    expect(result.stderr).toMatch(/^code interpreter \(cntr_\w+\)\n {2}# Evaluate the expression from the request\n {2}result = 6 \* 7\n {2}print\(result\)\noutput\n {2}42\n$/);
    const streamed = await run(['stream', '-m', 'gpt-4.1', '--code-interpreter', 'calculate 6 * 7 in python']);
    expect(streamed.stdout).toBe(result.stdout);
    expect(streamed.stderr.replace(/cntr_\w+/, 'cntr')).toBe(result.stderr.replace(/cntr_\w+/, 'cntr'));
  });

  it('lists cited container files with the command that fetches them, and that command works', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', '--code-interpreter', 'calculate 2 + 3 and save it to a file']);
    expect(result.stdout).toBe('I ran the code; it printed: 5 (saved as result.txt)\n');
    const match = /file: result\.txt \((cfile_\w+) in (cntr_\w+)\)\n {2}fetch: (aoai files get \S+ --container \S+ --output result\.txt)\n/.exec(result.stderr);
    expect(match).not.toBeNull();
    const output = join(dir, 'result.txt');
    const fetched = await run(['files', 'get', match![1]!, '--container', match![2]!, '--output', output]);
    expect(fetched.code).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe('5\n');
    const json = JSON.parse((await run(['create', '-m', 'gpt-4.1', '--code-interpreter', '--json', 'calculate 2 + 3 and save a file'])).stdout);
    const call = json.output.find((item: { type: string }) => item.type === 'code_interpreter_call');
    expect(call).toMatchObject({ status: 'completed', outputs: [{ type: 'logs', logs: '5\n' }] });
    expect(call.container_id).toMatch(/^cntr_/);
    const annotation = json.output.at(-1).content[0].annotations[0];
    expect(annotation).toMatchObject({ type: 'container_file_citation', container_id: call.container_id, filename: 'result.txt' });
    expect((await run(['files', 'get', 'cfile_nope', '--container', call.container_id, '-o', '-'])).code).toBe(1);
    expect((await run(['files', 'get', 'cfile_nope', '--container', call.container_id])).stderr).toContain('--container downloads a container file: add --output FILE');
  });
});
