// aoai batch get | list | cancel | results against the emulator's Global Batch: details and --json,
// --wait with results, the service's validation errors with their line numbers, pages, idempotent
// cancel with partial results, joined output and error files, --order input, ISO timestamps.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.ts';
import { CANARY_API_KEY } from '../helpers/canaries.ts';
import { interruptWhen, runAoai, sandbox, type Sandbox } from '../helpers/cli.ts';
import { keyEnv, startTestEmulator, useEmulator } from '../helpers/emulator.ts';
import { runOnPty } from '../helpers/pty.ts';
import { tempDir } from '../helpers/temp.ts';

const ctx = useEmulator({ batch: { validatingMs: 5, lineMs: 0, finalizingMs: 5 } });
const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...options });
const dir = tempDir('aoai-batch-global-');
const FAST = ['--poll-interval', '0.05'];

const requestLine = (customId: string, input: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/responses', body: { model: 'gpt-4.1', input, ...extra } });

function sdk(emulator: Emulator): OpenAI {
  return new OpenAI({ baseURL: `${emulator.url}/openai/v1`, apiKey: CANARY_API_KEY, maxRetries: 0 });
}

/** A job created straight through the SDK (submit has its own tests). */
async function createBatch(emulator: Emulator, lines: string[]): Promise<string> {
  const client = sdk(emulator);
  const file = await client.files.create({ file: await toFile(Buffer.from(`${lines.join('\n')}\n`), 'input.jsonl'), purpose: 'batch' });
  return (await client.batches.create({ input_file_id: file.id, endpoint: '/v1/responses', completion_window: '24h', metadata: { team: 'evals' } })).id;
}

async function settled(emulator: Emulator, id: string): Promise<void> {
  const client = sdk(emulator);
  for (let i = 0; i < 500; i++) {
    if (['completed', 'failed', 'cancelled'].includes((await client.batches.retrieve(id)).status)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${id} never ended`);
}

const rows = (text: string) => text.trimEnd().split('\n').map((line) => JSON.parse(line) as { custom_id: string; error: unknown; response: { status_code: number; body: { output: Array<{ content: Array<{ text: string }> }> } } });

describe('aoai batch get', () => {
  it('shows the details on stdout, and --json passes the object through unchanged', async () => {
    const id = await createBatch(ctx.emulator, [requestLine('a', 'alpha'), requestLine('b', 'beta')]);
    await settled(ctx.emulator, id);
    const details = await run(['batch', 'get', id]);
    expect(details.code).toBe(0);
    expect(details.stdout).toMatch(new RegExp(`^id: +${id}$`, 'm'));
    expect(details.stdout).toMatch(/^status: +completed$/m);
    expect(details.stdout).toMatch(/^requests: +2 of 2 done, 0 failed$/m);
    expect(details.stdout).toMatch(/^created: +\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/m);
    expect(details.stdout).toMatch(/^metadata team: +evals$/m);
    const json = await run(['batch', 'get', id, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id, object: 'batch', status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 } });
  });

  it('--wait follows a job to its end and -o writes its results', async () => {
    const id = await createBatch(ctx.emulator, [requestLine('a', 'alpha'), requestLine('b', 'beta')]);
    const out = join(dir, 'waited.jsonl');
    const result = await run(['batch', 'get', id, '--wait', ...FAST, '-o', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^status: +completed$/m);
    const lines = rows(readFileSync(out, 'utf8'));
    expect(lines.map((l) => l.custom_id).sort()).toEqual(['a', 'b']);
    expect(lines.find((l) => l.custom_id === 'a')!.response.body.output[0]!.content[0]!.text).toBe('Echo: alpha');
  });

  it("--wait on a job the service rejects lists its errors with line numbers and exits 4", async () => {
    const id = await createBatch(ctx.emulator, [requestLine('a', 'x'), '{broken', requestLine('a', 'again')]);
    const result = await run(['batch', 'get', id, '--wait', ...FAST]);
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/^status: +failed$/m);
    expect(result.stderr).toContain(`aoai: ${id}: line 2: invalid_json_line: This line is not parseable as valid JSON.\n`);
    expect(result.stderr).toContain(`aoai: ${id}: line 3: duplicate_custom_id: `);
    expect(result.stderr).toMatch(new RegExp(`aoai: ${id} failed \\(2 errors from the service\\)\\nhint: fix the input and submit it again\\n$`));
  });

  it('an unknown batch is a 404 (exit 1); a malformed id never leaves the machine (exit 2)', async () => {
    const missing = await run(['batch', 'get', 'batch_doesnotexist']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^aoai: .*404/);
    const before = ctx.emulator.requests.length;
    const bad = await run(['batch', 'get', 'batch_$(touch x)']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not a batch id \(expected batch_…\)/);
    expect(ctx.emulator.requests.length).toBe(before);
  });
});

describe('aoai batch list', () => {
  it('lists newest first as tab-separated rows, NDJSON, or the list object; --all follows every page', async () => {
    const ids = [await createBatch(ctx.emulator, [requestLine('a', 'x')]), await createBatch(ctx.emulator, [requestLine('a', 'y')])];
    await Promise.all(ids.map((id) => settled(ctx.emulator, id)));
    const text = await run(['batch', 'list']);
    expect(text.code).toBe(0);
    const first = text.stdout.split('\n')[0]!.split('\t');
    expect(first.slice(0, 5)).toEqual([ids[1], 'completed', '1', '1', '0']);
    expect(first[6]).toBe('gpt-4.1');
    const jsonl = (await run(['batch', 'list', '--jsonl'])).stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string });
    expect(jsonl.slice(0, 2).map((b) => b.id)).toEqual([ids[1], ids[0]]);
    const page = JSON.parse((await run(['batch', 'list', '--json', '--limit', '1'])).stdout);
    expect(page).toMatchObject({ object: 'list', has_more: true });
    expect(page.data).toHaveLength(1);
    const all = JSON.parse((await run(['batch', 'list', '--json', '--all', '--limit', '1'])).stdout);
    expect(all.has_more).toBe(false);
    expect(all.data.length).toBe(jsonl.length);
    const pages = ctx.emulator.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/batches') && r.query.limit === '1');
    expect(pages.some((r) => r.query.after === ids[1])).toBe(true);
  });
});

describe('aoai batch cancel and results of a cancelled job', () => {
  let slow: Emulator;
  let box: Sandbox;
  beforeAll(async () => {
    slow = await startTestEmulator({ batch: { validatingMs: 0, lineMs: 40, finalizingMs: 20 } });
    box = sandbox(keyEnv(slow));
  });
  afterAll(async () => {
    await slow.close();
    box.cleanup();
  });

  it('cancels (idempotently), keeps the finished requests, and results exits 4 after writing them', async () => {
    const id = await createBatch(slow, Array.from({ length: 400 }, (_, i) => requestLine(`r${i}`, `q${i}`)));
    const client = sdk(slow);
    while (((await client.batches.retrieve(id)).request_counts?.completed ?? 0) < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const cancel = await runAoai(['batch', 'cancel', id], { env: box.env });
    expect(cancel).toMatchObject({ code: 0, stdout: `${id}\tcancelling\n` });
    const again = await runAoai(['batch', 'cancel', id], { env: box.env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^${id}\\t(cancelling|cancelled)\\n$`));
    expect(slow.requests.filter((r) => r.path.endsWith('/cancel'))).toHaveLength(1);
    await settled(slow, id);
    const out = join(dir, 'cancelled.jsonl');
    const results = await runAoai(['batch', 'results', id, '-o', out], { env: box.env });
    expect(results.code).toBe(4);
    expect(results.stderr).toMatch(new RegExp(`^aoai: ${id} was cancelled; the requests it finished are in its results\\n`));
    const written = rows(readFileSync(out, 'utf8'));
    expect(written.length).toBeGreaterThanOrEqual(2);
    expect(written.length).toBeLessThan(400);
    // Cancelling an ended job is not an error: nothing is left to stop.
    expect((await runAoai(['batch', 'cancel', id], { env: box.env })).stdout).toBe(`${id}\tcancelled\n`);
  });

  it('Ctrl-C while waiting stops waiting (not the job), exits 130 and prints the command that waits again', async () => {
    const id = await createBatch(slow, Array.from({ length: 400 }, (_, i) => requestLine(`r${i}`, `q${i}`)));
    const out = join(dir, 'interrupted.jsonl');
    const polls = () => slow.requests.filter((r) => r.method === 'GET' && r.path.endsWith(id)).length;
    const result = await runAoai(['batch', 'get', id, '--wait', ...FAST, '-o', out], {
      env: box.env,
      onSpawn: interruptWhen(() => polls() >= 2),
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(new RegExp(`^aoai: stopped waiting; ${id} is still (validating|in_progress) \\(the job goes on\\)\nhint: wait again: aoai batch get ${id} --wait --poll-interval 0.05 -o ${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(or stop it: aoai batch cancel ${id}\\)\n$`));
    expect(existsSync(out)).toBe(false);
    expect(slow.requests.filter((r) => r.path.endsWith(`${id}/cancel`))).toHaveLength(0);
    await runAoai(['batch', 'cancel', id], { env: box.env });
  });

  it('shows a progress line from request_counts on a terminal while it waits', async () => {
    const id = await createBatch(slow, Array.from({ length: 150 }, (_, i) => requestLine(`r${i}`, `q${i}`)));
    const { code, output } = await runOnPty(['batch', 'get', id, '--wait', ...FAST], { env: box.env, stdout: 'discard' });
    expect(code).toBe(0);
    expect(output).toMatch(new RegExp(`${id} in_progress · \\d+ of 150 done, 0 failed · \\d+s`));
  });

  it('results of a running job exits 4 with a hint that waits for it', async () => {
    const id = await createBatch(slow, Array.from({ length: 400 }, (_, i) => requestLine(`r${i}`, `q${i}`)));
    const result = await runAoai(['batch', 'results', id], { env: box.env });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(new RegExp(`^aoai: ${id} is still (validating|in_progress); no results yet\\nhint: wait for it: aoai batch get ${id} --wait\\n$`));
    await runAoai(['batch', 'cancel', id], { env: box.env });
  });
});

describe('aoai batch results', () => {
  it('joins the output and error files; some failed requests exit 1 and say where they are', async () => {
    const id = await createBatch(ctx.emulator, [requestLine('ok1', 'one'), requestLine('hot', 'x', { temperature: 5 }), requestLine('ok2', 'two')]);
    await settled(ctx.emulator, id);
    const out = join(dir, 'joined.jsonl');
    const result = await run(['batch', 'results', id, '-o', out, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ id, status: 'completed', output: out, succeeded: 2, failed: 1 });
    expect(result.stderr).toBe(`aoai: 1 of 3 requests failed; their lines in ${out} have "error" set\nhint: list them: jq -c 'select(.error != null)' ${out}\n`);
    const lines = rows(readFileSync(out, 'utf8'));
    expect(lines.map((l) => l.custom_id).slice(0, 2).sort()).toEqual(['ok1', 'ok2']);
    expect(lines[2]).toMatchObject({ custom_id: 'hot', response: { status_code: 400 }, error: { code: 'decimal_above_max_value' } });
    // The file exists now: no overwrite without --force, and nothing is fetched.
    const again = await run(['batch', 'results', id, '-o', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`aoai: ${out} already exists\nhint: pass --force to replace it\n`);
  });

  it('writes to stdout by default, and --order input follows the input file', async () => {
    const lines = Array.from({ length: 12 }, (_, i) => requestLine(`id-${i}`, `question ${i}`));
    const input = join(dir, 'ordered-input.jsonl');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const id = await createBatch(ctx.emulator, lines);
    await settled(ctx.emulator, id);
    const any = await run(['batch', 'results', id]);
    expect(any.code).toBe(0);
    const serviceOrder = rows(any.stdout).map((l) => l.custom_id);
    expect([...serviceOrder].sort()).toEqual(lines.map((_, i) => `id-${i}`).sort());
    expect(serviceOrder).not.toEqual(lines.map((_, i) => `id-${i}`));
    const out = join(dir, 'ordered.jsonl');
    const ordered = await run(['batch', 'results', id, '--order', 'input', '--input', input, '-o', out]);
    expect(ordered.code).toBe(0);
    expect(rows(readFileSync(out, 'utf8')).map((l) => l.custom_id)).toEqual(lines.map((_, i) => `id-${i}`));
  });

  it('of a failed job writes nothing and lists the errors', async () => {
    const id = await createBatch(ctx.emulator, [requestLine('a', 'x'), requestLine('b', 'y', { model: 'gpt-4o' })]);
    await settled(ctx.emulator, id);
    const out = join(dir, 'never.jsonl');
    const result = await run(['batch', 'results', id, '-o', out]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`aoai: ${id}: line 2: mismatched_model: `);
    expect(existsSync(out)).toBe(false);
  });
});

describe('ISO timestamps', () => {
  let iso: Emulator;
  let box: Sandbox;
  beforeAll(async () => {
    iso = await startTestEmulator({ batch: { validatingMs: 0, lineMs: 0, finalizingMs: 0, timestamps: 'iso' } });
    box = sandbox(keyEnv(iso));
  });
  afterAll(async () => {
    await iso.close();
    box.cleanup();
  });

  it('are read like Unix seconds', async () => {
    const id = await createBatch(iso, [requestLine('a', 'x')]);
    await settled(iso, id);
    const details = await runAoai(['batch', 'get', id], { env: box.env });
    expect(details.stdout).toMatch(/^completed: +\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/m);
    const list = await runAoai(['batch', 'list'], { env: box.env });
    expect(list.stdout.split('\t')[5]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });
});

describe('a hostile service', () => {
  // Answers every batch retrieve with the same doctored object: control sequences in its text,
  // and ids that are not ids.
  let server: import('node:http').Server;
  let env: Record<string, string>;
  let box: Sandbox;
  const ESC = '\x1b';
  const doctored = (id: string) => ({
    id,
    object: 'batch',
    endpoint: '/v1/responses',
    input_file_id: 'file-1',
    completion_window: '24h',
    status: 'completed',
    created_at: 1_764_500_000,
    model: `gpt${ESC}]0;owned${ESC}\\`,
    output_file_id: 'file-$(touch pwned)',
    error_file_id: null,
    request_counts: { total: 1, completed: 1, failed: 0 },
    metadata: { [`k${ESC}[2J`]: `v${ESC}[31m` },
    errors: null,
  });
  beforeAll(async () => {
    const { createServer } = await import('node:http');
    server = createServer((req, res) => {
      const id = /\/batches\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? 'batch_x';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(doctored(id)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as import('node:net').AddressInfo).port;
    box = sandbox({ AZURE_OPENAI_ENDPOINT: `http://127.0.0.1:${port}`, AZURE_OPENAI_API_KEY: CANARY_API_KEY });
    env = box.env;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    box.cleanup();
  });

  it('its text is shown, never obeyed, and an id that is not one never reaches a URL or a command', async () => {
    const details = await runAoai(['batch', 'get', 'batch_x'], { env, cwd: dir });
    expect(details.code).toBe(0);
    expect(details.stdout).not.toContain(ESC);
    expect(details.stdout).toMatch(/^model: +gpt\^\[\]0;owned\^\[\\$/m);
    expect(details.stdout).toContain('metadata k^[[2J: v^[[31m');
    const results = await runAoai(['batch', 'results', 'batch_x'], { env, cwd: dir });
    expect(results.code).toBe(1);
    expect(results.stderr).toBe('aoai: the service sent a malformed output file id: "file-$(touch pwned)" (expected file-… or assistant-…); not using it\n');
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });
});
