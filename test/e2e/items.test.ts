import { beforeAll, describe, expect, it } from 'vitest';
import { runAoai } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';

const ctx = useEmulator();
const run = (args: string[]) => runAoai(args, { env: ctx.env });
let id = '';
const turns = ['one', 'two', 'three', 'four', 'five'];

beforeAll(async () => {
  const items = JSON.stringify(turns.map((t) => ({ role: 'user', content: t })));
  const result = await runAoai(['create', '-m', 'gpt-4.1', '--json', '--input-items', '-'], { env: ctx.env, input: items });
  id = JSON.parse(result.stdout).id;
});

describe('aoai items', () => {
  it('--all --jsonl follows every page and prints one item per line', async () => {
    const result = await run(['items', id, '--all', '--jsonl', '--limit', '2', '--order', 'asc']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((i) => i.type)).toEqual(['message', 'message', 'message', 'message', 'message']);
    expect(lines.map((i) => i.content[0].text)).toEqual(turns);
    const pages = ctx.emulator.requests.filter((r) => r.path.endsWith('/input_items'));
    expect(pages.slice(-3).map((r) => r.query.after ?? null)).toEqual([null, lines[1].id, lines[3].id]);
  });

  it('defaults to the service order (newest first) and one page', async () => {
    const result = await run(['items', id, '--limit', '2', '--jsonl']);
    const texts = result.stdout.trim().split('\n').map((l) => JSON.parse(l).content[0].text);
    expect(texts).toEqual(['five', 'four']);
  });

  it('--json is the service list object; with --all one merged list', async () => {
    const page = JSON.parse((await run(['items', id, '--limit', '2', '--json'])).stdout);
    expect(page).toMatchObject({ object: 'list', has_more: true });
    expect(page.data).toHaveLength(2);
    const all = JSON.parse((await run(['items', id, '--limit', '2', '--json', '--all', '--order', 'asc'])).stdout);
    expect(all).toMatchObject({ object: 'list', has_more: false, first_id: all.data[0].id, last_id: all.data[4].id });
    expect(all.data).toHaveLength(5);
  });

  it('text mode: tab-separated rows on a pipe', async () => {
    const result = await run(['items', id, '--order', 'asc', '--limit', '1']);
    expect(result.stdout).toMatch(/^msg_\w+\tmessage\tuser\tone\n$/);
  });

  it('--after continues from a cursor', async () => {
    const first = JSON.parse((await run(['items', id, '--limit', '1', '--order', 'asc', '--json'])).stdout);
    const next = await run(['items', id, '--limit', '1', '--order', 'asc', '--after', first.last_id, '--jsonl']);
    expect(JSON.parse(next.stdout).content[0].text).toBe('two');
  });

  it('rejects a limit out of range before sending', async () => {
    const result = await run(['items', id, '--limit', '500']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--limit/);
  });
});
