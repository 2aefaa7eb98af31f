import { describe, expect, it } from 'vitest';
import { interruptWhen, runAoai } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';

const ctx = useEmulator({ queueMs: 50, eventDelayMs: 20 });
const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...options });

async function createId(args: string[]): Promise<string> {
  const result = await run(['create', '-m', 'gpt-4.1', '--json', ...args]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout).id as string;
}

describe('aoai get', () => {
  it('prints the text of a completed response', async () => {
    const id = await createId(['stored text']);
    const result = await run(['get', id]);
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: stored text\n', stderr: '' });
  });

  it('prints id and status of a running job; --wait follows it to the end', async () => {
    // About 250 events at 20 ms: still running when `get` asks, even on a loaded machine.
    const id = await createId(['--background', 'Write 200 words']);
    const running = await run(['get', id]);
    expect(running.stdout).toMatch(new RegExp(`^${id} (queued|in_progress)\\n$`));
    const done = await run(['get', id, '--wait', '--poll-interval', '0.05']);
    expect(done.code).toBe(0);
    expect(done.stdout.trim().split(/\s+/)).toHaveLength(200);
  });

  it('--json equals the stored object', async () => {
    const id = await createId(['json please']);
    const result = await run(['get', id, '--json']);
    expect(JSON.parse(result.stdout)).toEqual(await fetch(`${ctx.emulator.url}/openai/v1/responses/${id}`, { headers: { 'api-key': ctx.emulator.apiKey } }).then((r) => r.json()));
  });

  it('a missing response is one clear line with status, message and request id, exit 1', async () => {
    const result = await run(['get', 'resp_doesnotexist']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^aoai: HTTP 404: Response with id 'resp_doesnotexist' not found\. \[request id [0-9a-f-]{36}\]\n$/);
  });

  it('Ctrl-C while waiting exits 130 and says how to follow up', async () => {
    const id = await createId(['--background', 'Write 2000 words']);
    // Interrupt once the command is polling (the emulator has seen its GET), not at a fixed time.
    const polls = () => ctx.emulator.requests.filter((r) => r.method === 'GET' && r.path.endsWith(id)).length;
    const result = await run(['get', id, '--wait', '--poll-interval', '0.05'], {
      onSpawn: interruptWhen(() => polls() >= 2),
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(`aoai get ${id} --wait`);
    await run(['cancel', id]);
  });
});

describe('aoai cancel', () => {
  it('cancels a running background job, and is idempotent', async () => {
    const id = await createId(['--background', 'Write 5000 words']);
    const first = await run(['cancel', id]);
    expect(first).toMatchObject({ code: 0, stdout: `${id} cancelled\n` });
    const again = await run(['cancel', id]);
    expect(again).toMatchObject({ code: 0, stdout: `${id} cancelled\n` });
    const got = await run(['get', id]);
    expect(got.code).toBe(4);
    expect(got.stderr).toContain(`response ${id} was cancelled`);
  });

  it('a background job that already completed: reported as it ended, exit 0 (the service answers 400)', async () => {
    const id = await createId(['--background', 'short']);
    expect((await run(['get', id, '--wait', '--poll-interval', '0.05'])).code).toBe(0);
    const result = await run(['cancel', id]);
    expect(result).toMatchObject({ code: 0, stdout: `${id} completed\n`, stderr: '' });
    const json = await run(['cancel', id, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id, status: 'completed' });
    expect(ctx.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${id}/cancel`)).map((r) => r.status)).toEqual([400, 400]);
  });

  it('refuses a foreground response with the service error', async () => {
    const id = await createId(['not background']);
    const result = await run(['cancel', id]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/HTTP 400: Cannot cancel a synchronous response\./);
  });

  it('--json prints the response', async () => {
    const id = await createId(['--background', 'Write 5000 words']);
    const result = await run(['cancel', id, '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ id, status: 'cancelled', object: 'response' });
  });
});

describe('aoai delete', () => {
  it('deletes several responses and prints their ids', async () => {
    const a = await createId(['a']);
    const b = await createId(['b']);
    const result = await run(['delete', a, b]);
    expect(result).toMatchObject({ code: 0, stdout: `${a}\n${b}\n`, stderr: '' });
    expect((await run(['get', a])).code).toBe(1);
  });

  it('--json prints the deletion objects as NDJSON', async () => {
    const a = await createId(['a']);
    const result = await run(['delete', a, '--json']);
    expect(JSON.parse(result.stdout)).toEqual({ id: a, object: 'response.deleted', deleted: true });
  });

  it('carries on past a missing id and exits non-zero', async () => {
    const a = await createId(['a']);
    const result = await run(['delete', 'resp_missing', a]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${a}\n`);
    expect(result.stderr).toMatch(/resp_missing: HTTP 404/);
  });

  it('rejects something that is not a response id without a request', async () => {
    const before = ctx.emulator.requests.length;
    const result = await run(['delete', 'hello']);
    expect(result.code).toBe(2);
    expect(ctx.emulator.requests.length).toBe(before);
  });
});
