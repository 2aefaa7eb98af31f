// aoai batch prepare: prompts + create flags → request lines; invalid input names its lines, exit 2.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAoai, sandbox } from '../helpers/cli.ts';

const box = sandbox();
afterAll(() => box.cleanup());

describe('aoai batch prepare', () => {
  it('turns text lines from stdin into request lines with the create flags', async () => {
    const result = await runAoai(['batch', 'prepare', '-m', 'gpt-4.1-mini', '--instructions', 'Answer in one word', '--max-output-tokens', '20'], { env: box.env, input: 'What is 2+2?\n\nCapital of France?\n' });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { custom_id: 'line-1', method: 'POST', url: '/v1/responses', body: { model: 'gpt-4.1-mini', input: 'What is 2+2?', instructions: 'Answer in one word', max_output_tokens: 20 } },
      { custom_id: 'line-3', method: 'POST', url: '/v1/responses', body: { model: 'gpt-4.1-mini', input: 'Capital of France?', instructions: 'Answer in one word', max_output_tokens: 20 } },
    ]);
  });

  it('keeps the ids of JSONL prompts, lets their fields override the flags, and writes -o only when every line is valid', async () => {
    const prompts = join(box.home, 'prompts.jsonl');
    const out = join(box.home, 'requests.jsonl');
    writeFileSync(prompts, '{"custom_id":"q1","input":"hi","instructions":"be brief"}\n{"custom_id":"q2","input":[{"role":"user","content":"yo"}]}\n');
    const ok = await runAoai(['batch', 'prepare', '-m', 'm1', '--instructions', 'base', prompts, '-o', out], { env: box.env });
    expect(ok.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((l) => [l.custom_id, l.body.instructions])).toEqual([
      ['q1', 'be brief'],
      ['q2', 'base'],
    ]);
    const again = await runAoai(['batch', 'prepare', '-m', 'm1', prompts, '-o', out], { env: box.env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');

    writeFileSync(prompts, '{"custom_id":"q1","input":"hi"}\n{"custom_id":"q1","input":"again"}\n');
    const fresh = join(box.home, 'fresh.jsonl');
    const bad = await runAoai(['batch', 'prepare', '-m', 'm1', prompts, '-o', fresh], { env: box.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`aoai: ${prompts}:2: duplicate custom_id "q1" (first on line 1)`);
    expect(existsSync(fresh)).toBe(false);
  });

  it('names each invalid request line, caps the list, and exits 2', async () => {
    const file = join(box.home, 'bad.jsonl');
    const good = (id: string) => JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/responses', body: { model: 'm', input: 'x' } });
    const rows = [good('a'), '{not json', JSON.stringify({ custom_id: 'b', method: 'POST', url: '/v1/embeddings', body: { model: 'm' } }), JSON.stringify({ method: 'POST', url: '/v1/responses', body: { input: 'x' } }), good('a')];
    for (let i = 0; i < 30; i++) rows.push('nope');
    writeFileSync(file, `${rows.join('\n')}\n`);
    const result = await runAoai(['batch', 'prepare', file], { env: box.env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines.some((line) => line.startsWith(`aoai: ${file}:2: invalid JSON (`))).toBe(true);
    expect(lines).toContain(`aoai: ${file}:3: url must be "/v1/responses", not "/v1/embeddings"`);
    expect(lines).toContain(`aoai: ${file}:4: missing custom_id`);
    expect(lines).toContain(`aoai: ${file}:4: missing body.model (the deployment name)`);
    expect(lines).toContain(`aoai: ${file}:5: duplicate custom_id "a" (first on line 1)`);
    expect(lines.filter((l) => l.startsWith(`aoai: ${file}:`))).toHaveLength(20);
    expect(result.stderr).toContain(`aoai: 35 problems in ${file} (15 more not shown); nothing was sent`);
  });

  it('refuses create flags on a file of request lines, and flags a batch cannot use', async () => {
    const file = join(box.home, 'requests.jsonl');
    writeFileSync(file, `${JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/responses', body: { model: 'm', input: 'x' } })}\n`);
    const flags = await runAoai(['batch', 'prepare', '--instructions', 'x', file], { env: box.env });
    expect(flags.code).toBe(2);
    expect(flags.stderr).toContain('--instructions would be ignored');
    const background = await runAoai(['batch', 'prepare', '-m', 'm', '--background'], { env: box.env, input: 'hi\n' });
    expect(background.code).toBe(2);
    expect(background.stderr).toContain("unknown option '--background'");
  });
});
