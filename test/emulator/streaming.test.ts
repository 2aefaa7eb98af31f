// SSE framing, event order and shapes, background jobs (queue, progress, replay with
// starting_after, cancel), and the streams the SDK reads.
import { describe, expect, it } from 'vitest';
import { outputText, parseSse, useTestEmulator, waitFor } from './helpers.ts';

const ctx = useTestEmulator({ queueMs: 30 });

async function rawStream(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await ctx.api('/openai/v1/responses', { json: { model: 'gpt-4.1', stream: true, ...body }, headers });
  return { res, events: parseSse(await res.text()) };
}

describe('streamed create', () => {
  it('frames events as the service does: event/data pairs, no [DONE], sequence numbers from 0', async () => {
    const { res, events } = await rawStream({ input: 'hello there' });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(events.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.every((e) => e.event === e.data.type)).toBe(true);
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
    expect(Object.keys(events[0]!.data).slice(0, 2)).toEqual(['type', 'sequence_number']);
    const deltas = events.filter((e) => e.event === 'response.output_text.delta');
    expect(deltas.map((e) => e.data.delta)).toEqual(['Echo:', ' hello', ' there']);
    expect(deltas.every((e) => typeof e.data.obfuscation === 'string' && Array.isArray(e.data.logprobs))).toBe(true);
    const created = events[0]!.data.response as { status: string; content_filters: unknown; output: unknown[] };
    expect(created).toMatchObject({ status: 'in_progress', content_filters: null, output: [] });
    const completed = events.at(-1)!.data.response as { status: string; content_filters: unknown[] };
    expect(completed.status).toBe('completed');
    expect(completed.content_filters).toHaveLength(2);
  });

  it('stream_options.include_obfuscation=false drops the padding', async () => {
    const { events } = await rawStream({ input: 'x', stream_options: { include_obfuscation: false } });
    expect(events.filter((e) => e.event === 'response.output_text.delta').every((e) => !('obfuscation' in e.data))).toBe(true);
  });

  it('splits characters outside the BMP between two deltas, as byte-level tokenizers do', async () => {
    const { events } = await rawStream({ input: 'emoji 😀 end' });
    const deltas = events.filter((e) => e.event === 'response.output_text.delta').map((e) => e.data.delta as string);
    expect(deltas.some((d) => /[\uD800-\uDBFF]$/.test(d))).toBe(true);
    expect(deltas.join('')).toBe('Echo: emoji 😀 end');
  });

  it('a reasoning model streams summary parts before the message', async () => {
    const { events } = await rawStream({ model: 'o3', input: 'why', reasoning: { summary: 'auto' } });
    const types = events.map((e) => e.event);
    expect(types.indexOf('response.reasoning_summary_part.added')).toBeLessThan(types.indexOf('response.content_part.added'));
    expect(types.filter((t) => t === 'response.reasoning_summary_part.done')).toHaveLength(2);
    const summary = events.filter((e) => e.event === 'response.reasoning_summary_text.delta' && e.data.summary_index === 0).map((e) => e.data.delta).join('');
    const done = events.find((e) => e.event === 'response.reasoning_summary_text.done')!;
    expect(done.data.text).toBe(summary);
  });

  it('an error before streaming starts is a plain JSON error, not SSE', async () => {
    const { res } = await rawStream({ input: 'x', temperature: 7 });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('the SDK reads the stream; its deltas add up to the stored text', async () => {
    const stream = await ctx.client.responses.create({ model: 'gpt-4.1', input: 'Write 300 words', stream: true });
    let text = '';
    let id = '';
    let count = 0;
    for await (const event of stream) {
      count++;
      if (event.type === 'response.created') id = event.response.id;
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(count).toBeGreaterThan(300);
    const stored = await ctx.client.responses.retrieve(id);
    expect(outputText(stored as never)).toBe(text);
  });

  it('streams a very long reply quickly (100,000 words)', async () => {
    const started = Date.now();
    const { events } = await rawStream({ input: 'Write 100000 words', store: false });
    expect(events.at(-1)!.event).toBe('response.completed');
    expect(events.filter((e) => e.event === 'response.output_text.delta').length).toBeGreaterThan(100_000);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('background responses', () => {
  it('are queued at once, then in progress with partial output, then completed', async () => {
    // Paced (5 ms an event) so the polls below see the job part-way.
    const queued = await ctx.client.responses.create({ model: 'o3', input: 'Write 200 words', background: true }, { headers: { 'x-emulator-fault': 'delay-ms=5' } });
    expect(queued).toMatchObject({ status: 'queued', background: true, output: [] });
    const seen = new Set<string>();
    let partial = 0;
    const final = await waitFor(async () => {
      const now = await ctx.client.responses.retrieve(queued.id);
      seen.add(now.status!);
      if (now.status === 'in_progress') partial = Math.max(partial, now.output_text.length);
      return now.status === 'completed' ? now : undefined;
    }, 20_000);
    expect(seen.has('completed')).toBe(true);
    expect(seen.has('in_progress')).toBe(true);
    expect(partial).toBeGreaterThan(0);
    expect(final.output_text.trim().split(/\s+/)).toHaveLength(200);
    expect(final.completed_at).toBeGreaterThanOrEqual(final.created_at);
  });

  it('POST with stream follows the job live: created (queued), queued, in_progress, …, completed', async () => {
    const { events } = await rawStream({ input: 'Write 20 words', background: true });
    expect(events.slice(0, 3).map((e) => [e.event, (e.data.response as { status: string }).status])).toEqual([
      ['response.created', 'queued'],
      ['response.queued', 'queued'],
      ['response.in_progress', 'in_progress'],
    ]);
    expect(events.at(-1)!.event).toBe('response.completed');
  });

  it('GET ?stream=true replays the log after starting_after, and follows a running job live', async () => {
    const slow = await ctx.api('/openai/v1/responses', { json: { model: 'gpt-4.1', input: 'Write 60 words', background: true }, headers: { 'x-emulator-fault': 'delay-ms=5' } });
    const { id } = (await slow.json()) as { id: string };
    const live = parseSse(await (await ctx.api(`/openai/v1/responses/${id}?stream=true`)).text());
    expect(live[0]!.data.sequence_number).toBe(0);
    expect(live.at(-1)!.event).toBe('response.completed');
    const tail = parseSse(await (await ctx.api(`/openai/v1/responses/${id}?stream=true&starting_after=10`)).text());
    expect(tail.map((e) => e.data)).toEqual(live.filter((e) => (e.data.sequence_number as number) > 10).map((e) => e.data));
    const beyond = parseSse(await (await ctx.api(`/openai/v1/responses/${id}?stream=true&starting_after=100000`)).text());
    expect(beyond).toEqual([]);
    expect((await ctx.api(`/openai/v1/responses/${id}?stream=true&starting_after=-1`)).status).toBe(400);
  });

  it('a foreground response cannot be streamed again', async () => {
    const response = await ctx.client.responses.create({ model: 'gpt-4.1', input: 'x' });
    const res = await ctx.api(`/openai/v1/responses/${response.id}?stream=true`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('This response cannot be streamed because it was not created with background=true.');
  });

  it('cancel stops a running job (idempotently) and refuses finished and synchronous responses', async () => {
    const job = await ctx.api('/openai/v1/responses', { json: { model: 'gpt-4.1', input: 'Write 5000 words', background: true }, headers: { 'x-emulator-fault': 'delay-ms=5' } });
    const { id } = (await job.json()) as { id: string };
    const following = ctx.api(`/openai/v1/responses/${id}?stream=true`).then(async (res) => parseSse(await res.text()));
    await waitFor(() => (ctx.emulator.getStored(id)?.status === 'in_progress' ? true : undefined));
    const cancelled = await ctx.client.responses.cancel(id);
    expect(cancelled.status).toBe('cancelled');
    const events = await following;
    expect(events.some((e) => e.event === 'response.completed')).toBe(false);
    // Followers see the service's terminal event for a cancel: response.failed, status cancelled.
    expect(events.at(-1)).toMatchObject({ event: 'response.failed', data: { response: { status: 'cancelled', output: [] } } });
    const again = await ctx.client.responses.cancel(id);
    expect(again.status).toBe('cancelled');
    expect((await ctx.client.responses.retrieve(id)).status).toBe('cancelled');
    const done = await ctx.client.responses.create({ model: 'gpt-4.1', input: 'x', background: true });
    await waitFor(async () => ((await ctx.client.responses.retrieve(done.id)).status === 'completed' ? true : undefined));
    await expect(ctx.client.responses.cancel(done.id)).rejects.toThrow(/Cannot cancel a completed response\./);
    expect((await ctx.client.responses.retrieve(done.id)).status).toBe('completed');
    const sync = await ctx.client.responses.create({ model: 'gpt-4.1', input: 'x' });
    const refused = await ctx.api(`/openai/v1/responses/${sync.id}/cancel`, { method: 'POST' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('Cannot cancel a synchronous response.');
  });
});
