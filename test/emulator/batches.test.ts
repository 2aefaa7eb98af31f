// The emulated Batch API (Azure Global Batch): batch files with expiry, the job's life cycle, the
// output-line shape, cancel, validation errors with line numbers, the enqueued-token quota, both
// URL forms and ISO timestamps. Through the real openai SDK where it can go.
import OpenAI, { toFile } from 'openai';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.ts';
import { KEY, useTestEmulator } from './helpers.ts';

const FAST = { validatingMs: 5, lineMs: 0, finalizingMs: 5 };
const ctx = useTestEmulator({ batch: FAST });

const line = (customId: string, input: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/responses', body: { model: 'gpt-4.1', input, ...extra } });

async function upload(client: OpenAI, text: string, expiresAfter?: { anchor: 'created_at'; seconds: number }) {
  return client.files.create({ file: await toFile(Buffer.from(text), 'input.jsonl'), purpose: 'batch', ...(expiresAfter ? { expires_after: expiresAfter } : {}) });
}

async function settle(client: OpenAI, id: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await client.batches.retrieve(id);
    if (['completed', 'failed', 'cancelled', 'expired'].includes(batch.status)) return batch;
    if (Date.now() > deadline) throw new Error(`batch ${id} still ${batch.status}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** One line of a batch output or error file. */
interface OutputRow {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: { output: Array<{ content: Array<{ text: string }> }> } & Record<string, unknown> };
  error: { code: string; message: string } | null;
}

async function jsonl(client: OpenAI, fileId: string): Promise<OutputRow[]> {
  const text = await (await client.files.content(fileId)).text();
  return text.trimEnd().split('\n').map((row) => JSON.parse(row) as OutputRow);
}

describe('batch files', () => {
  it('accept expires_after in the 14–30 day range and show expires_at', async () => {
    const file = await upload(ctx.client, line('a', 'hi'), { anchor: 'created_at', seconds: 1_209_600 });
    expect(file.purpose).toBe('batch');
    expect(file.expires_at).toBe(file.created_at + 1_209_600);
  });

  it('reject an expiry outside the range, naming the parameter', async () => {
    await expect(upload(ctx.client, line('a', 'hi'), { anchor: 'created_at', seconds: 3600 })).rejects.toMatchObject({
      status: 400,
      error: { param: 'expires_after.seconds', code: 'integer_below_min_value' },
    });
    await expect(upload(ctx.client, line('a', 'hi'), { anchor: 'created_at', seconds: 2_592_001 })).rejects.toMatchObject({ status: 400, error: { code: 'integer_above_max_value' } });
  });
});

describe('a batch job', () => {
  it('runs every line through the model and writes output lines in the Global Batch shape', async () => {
    const file = await upload(ctx.client, [line('one', 'first question'), line('two', 'second question'), line('three', 'Write 5 words')].join('\n'));
    const created = await ctx.client.batches.create({ input_file_id: file.id, endpoint: '/v1/responses', completion_window: '24h', metadata: { run: 'nightly' } });
    expect(created).toMatchObject({ object: 'batch', status: 'validating', endpoint: '/v1/responses', input_file_id: file.id, metadata: { run: 'nightly' } });
    expect(created.id).toMatch(/^batch_[0-9a-f]{50}$/);
    const done = await settle(ctx.client, created.id);
    expect(done).toMatchObject({ status: 'completed', model: 'gpt-4.1', request_counts: { total: 3, completed: 3, failed: 0 }, error_file_id: null });
    for (const stamp of [done.in_progress_at, done.finalizing_at, done.completed_at]) expect(stamp).toBeGreaterThanOrEqual(done.created_at);
    const lines = await jsonl(ctx.client, done.output_file_id!);
    expect(lines.map((l) => l.custom_id).sort()).toEqual(['one', 'three', 'two']);
    const one = lines.find((l) => l.custom_id === 'one')!;
    expect(one).toMatchObject({ id: expect.stringMatching(/^batch_req_/), error: null, response: { status_code: 200, request_id: expect.any(String) } });
    expect(one.response.body).toMatchObject({ object: 'response', status: 'completed', model: 'gpt-4.1' });
    expect(one.response.body.output[0]!.content[0]!.text).toBe('Echo: first question');
    expect(done.usage!.total_tokens).toBeGreaterThan(0);
    const output = await ctx.client.files.retrieve(done.output_file_id!);
    expect(output.purpose).toBe('batch_output');
  });

  it('puts lines the model rejects in the error file with the service error and counts them failed', async () => {
    const file = await upload(ctx.client, [line('ok', 'fine'), line('hot', 'too hot', { temperature: 5 })].join('\n'));
    const done = await settle(ctx.client, (await ctx.client.batches.create({ input_file_id: file.id, endpoint: '/v1/responses', completion_window: '24h' })).id);
    expect(done.request_counts).toEqual({ total: 2, completed: 1, failed: 1 });
    const [failed] = await jsonl(ctx.client, done.error_file_id!);
    expect(failed).toMatchObject({ custom_id: 'hot', response: { status_code: 400, body: { error: { param: 'temperature' } } }, error: { code: 'decimal_above_max_value' } });
  });

  it('fails a bad file with one error per bad line, each with its line number', async () => {
    const text = [line('a', 'x'), '{not json', line('a', 'dup'), JSON.stringify({ custom_id: 'u', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4.1' } }), line('m', 'x', { model: 'gpt-4o' }), JSON.stringify({ method: 'POST', url: '/v1/responses', body: {} })].join('\n');
    const done = await settle(ctx.client, (await ctx.client.batches.create({ input_file_id: (await upload(ctx.client, text)).id, endpoint: '/v1/responses', completion_window: '24h' })).id);
    expect(done.status).toBe('failed');
    expect(done.failed_at).toBeGreaterThan(0);
    expect(done.errors!.data!.map((e) => [e.line, e.code])).toEqual([
      [2, 'invalid_json_line'],
      [3, 'duplicate_custom_id'],
      [4, 'invalid_url'],
      [5, 'mismatched_model'],
      [6, 'missing_required_parameter'],
    ]);
  });

  it('fails a completion window other than 24h', async () => {
    const file = await upload(ctx.client, line('a', 'x'));
    const done = await settle(ctx.client, (await ctx.client.batches.create({ input_file_id: file.id, endpoint: '/v1/responses', completion_window: '48h' as '24h' })).id);
    expect(done.status).toBe('failed');
    expect(done.errors!.data![0]).toMatchObject({ code: 'invalid_completion_window', param: 'completion_window' });
  });

  it('refuses a file of another purpose, an unknown file and an unsupported endpoint', async () => {
    const other = await ctx.client.files.create({ file: await toFile(Buffer.from('x'), 'x.txt'), purpose: 'assistants' });
    await expect(ctx.client.batches.create({ input_file_id: other.id, endpoint: '/v1/responses', completion_window: '24h' })).rejects.toMatchObject({ status: 400, error: { param: 'input_file_id' } });
    await expect(ctx.client.batches.create({ input_file_id: 'file-nope', endpoint: '/v1/responses', completion_window: '24h' })).rejects.toMatchObject({ status: 404 });
    const file = await upload(ctx.client, line('a', 'x'));
    await expect(ctx.client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' })).rejects.toMatchObject({ status: 400, error: { param: 'endpoint' } });
    await expect(
      ctx.client.batches.create({ input_file_id: file.id, endpoint: '/v1/responses', completion_window: '24h', output_expires_after: { anchor: 'created_at', seconds: 60 } }),
    ).rejects.toMatchObject({ status: 400, error: { param: 'output_expires_after.seconds' } });
  });

  it('gives output files the requested expiry', async () => {
    const file = await upload(ctx.client, line('a', 'x'));
    const batch = await ctx.client.batches.create({ input_file_id: file.id, endpoint: '/v1/responses', completion_window: '24h', output_expires_after: { anchor: 'created_at', seconds: 1_209_600 } });
    const done = await settle(ctx.client, batch.id);
    const output = await ctx.client.files.retrieve(done.output_file_id!);
    expect(output.expires_at).toBe(output.created_at + 1_209_600);
  });

  it('lists batches newest first with cursor pagination', async () => {
    const file = await upload(ctx.client, line('a', 'x'));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await ctx.client.batches.create({ input_file_id: file.id, endpoint: '/v1/responses', completion_window: '24h' })).id);
    const first = await ctx.client.batches.list({ limit: 2 });
    expect(first.data.map((b) => b.id)).toEqual([ids[2], ids[1]]);
    expect(first.hasNextPage()).toBe(true);
    const seen: string[] = [];
    for await (const batch of ctx.client.batches.list({ limit: 2 })) seen.push(batch.id);
    expect(seen.slice(0, 3)).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(seen.length);
    await Promise.all(ids.map((id) => settle(ctx.client, id)));
  });

  it('works in the dated URL form too', async () => {
    const dated = new OpenAI({ baseURL: `${ctx.emulator.url}/openai`, apiKey: KEY, defaultQuery: { 'api-version': '2025-04-01-preview' }, maxRetries: 0 });
    const file = await upload(dated, line('a', 'dated'));
    const done = await settle(dated, (await dated.batches.create({ input_file_id: file.id, endpoint: '/v1/responses', completion_window: '24h' })).id);
    expect(done.status).toBe('completed');
    expect((await jsonl(dated, done.output_file_id!))[0]!.response.body.output[0]!.content[0]!.text).toBe('Echo: dated');
  });

  it('answers 404 for an unknown batch', async () => {
    await expect(ctx.client.batches.retrieve('batch_nope')).rejects.toMatchObject({ status: 404 });
  });
});

describe('cancel', () => {
  it('goes cancelling → cancelled and keeps the lines already answered', async () => {
    const emulator = await startEmulator({ apiKey: KEY, batch: { validatingMs: 0, lineMs: 40, finalizingMs: 300 } });
    try {
      const client = new OpenAI({ baseURL: `${emulator.url}/openai/v1`, apiKey: KEY, maxRetries: 0 });
      const file = await upload(client, Array.from({ length: 50 }, (_, i) => line(`r${i}`, `q${i}`)).join('\n'));
      const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/responses', completion_window: '24h' });
      for (;;) {
        const now = await client.batches.retrieve(batch.id);
        if ((now.request_counts?.completed ?? 0) >= 2) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const cancelling = await client.batches.cancel(batch.id);
      expect(cancelling.status).toBe('cancelling');
      expect(cancelling.cancelling_at).toBeGreaterThan(0);
      // Cancelling again is idempotent (it may have finished cancelling by now).
      expect((await client.batches.cancel(batch.id)).status).toMatch(/^cancell(ing|ed)$/);
      const done = await settle(client, batch.id);
      expect(done.status).toBe('cancelled');
      const answered = done.request_counts!.completed;
      expect(answered).toBeGreaterThanOrEqual(2);
      expect(answered).toBeLessThan(50);
      expect(await jsonl(client, done.output_file_id!)).toHaveLength(answered);
      expect((await client.batches.cancel(batch.id)).status).toBe('cancelled');
    } finally {
      await emulator.close();
    }
  });

  it('refuses to cancel a completed batch', async () => {
    const file = await upload(ctx.client, line('a', 'x'));
    const done = await settle(ctx.client, (await ctx.client.batches.create({ input_file_id: file.id, endpoint: '/v1/responses', completion_window: '24h' })).id);
    await expect(ctx.client.batches.cancel(done.id)).rejects.toMatchObject({ status: 409 });
  });
});

describe('the enqueued-token quota', () => {
  it('fails a job with token_limit_exceeded while an earlier one holds the quota, and lets it through after', async () => {
    const emulator = await startEmulator({ apiKey: KEY, batch: { validatingMs: 0, lineMs: 30, finalizingMs: 0, tokenLimit: 40 } });
    try {
      const client = new OpenAI({ baseURL: `${emulator.url}/openai/v1`, apiKey: KEY, maxRetries: 0 });
      // Each line: 12 characters of JSON input → 3 tokens; 10 lines → 30 tokens.
      const text = Array.from({ length: 10 }, (_, i) => line(`r${i}`, `question${i}`)).join('\n');
      const file = await upload(client, text);
      const create = () => client.batches.create({ input_file_id: file.id, endpoint: '/v1/responses', completion_window: '24h' });
      const first = await create();
      for (;;) {
        if ((await client.batches.retrieve(first.id)).status === 'in_progress') break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const second = await settle(client, (await create()).id);
      expect(second.status).toBe('failed');
      expect(second.errors!.data![0]).toMatchObject({ code: 'token_limit_exceeded', line: null });
      expect((await settle(client, first.id)).status).toBe('completed');
      expect((await settle(client, (await create()).id)).status).toBe('completed');
    } finally {
      await emulator.close();
    }
  });
});

describe('timestamps', () => {
  it('can be ISO strings, as some Azure answers have them', async () => {
    const emulator = await startEmulator({ apiKey: KEY, batch: { ...FAST, timestamps: 'iso' } });
    try {
      const client = new OpenAI({ baseURL: `${emulator.url}/openai/v1`, apiKey: KEY, maxRetries: 0 });
      const file = await upload(client, line('a', 'x'));
      const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/responses', completion_window: '24h' });
      expect(batch.created_at as unknown).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
      const done = await settle(client, batch.id);
      expect(done.completed_at as unknown).toMatch(/^\d{4}-/);
    } finally {
      await emulator.close();
    }
  });
});
