// Create/retrieve/delete/input_items through the real openai SDK, the validation errors, and the
// deterministic model.
import { APIError, BadRequestError, NotFoundError } from 'openai';
import { describe, expect, it } from 'vitest';
import { useTestEmulator } from './helpers.ts';

const ctx = useTestEmulator({ deployments: [] });

describe('create and retrieve', () => {
  it('returns a completed Response shaped like the service, and stores it', async () => {
    const response = await ctx.client.responses.create({ model: 'gpt-4.1', input: 'This is a test', metadata: { run: '1' } });
    expect(response).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'gpt-4.1',
      background: false,
      store: true,
      error: null,
      incomplete_details: null,
      metadata: { run: '1' },
      tool_choice: 'auto',
      tools: [],
      text: { format: { type: 'text' }, verbosity: 'medium' },
      truncation: 'disabled',
    });
    expect(response.id).toMatch(/^resp_[0-9a-f]{50}$/);
    expect(response.output_text).toBe('Echo: This is a test');
    expect(response.usage).toMatchObject({ output_tokens_details: { reasoning_tokens: 0 }, input_tokens_details: { cached_tokens: 0 } });
    expect(response.usage!.total_tokens).toBe(response.usage!.input_tokens + response.usage!.output_tokens);
    expect((response as unknown as { content_filters: unknown[] }).content_filters).toHaveLength(2);
    const stored = await ctx.client.responses.retrieve(response.id);
    expect(JSON.parse(JSON.stringify(stored))).toEqual(JSON.parse(JSON.stringify(response)));
  });

  it('store:false responses cannot be retrieved; deleted ones are gone', async () => {
    const unstored = await ctx.client.responses.create({ model: 'gpt-4.1', input: 'x', store: false });
    await expect(ctx.client.responses.retrieve(unstored.id)).rejects.toBeInstanceOf(NotFoundError);
    const kept = await ctx.client.responses.create({ model: 'gpt-4.1', input: 'y' });
    const raw = await ctx.api(`/openai/v1/responses/${kept.id}`, { method: 'DELETE' });
    expect(await raw.json()).toEqual({ id: kept.id, object: 'response.deleted', deleted: true });
    const missing = await ctx.api(`/openai/v1/responses/${kept.id}`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { message: `Response with id '${kept.id}' not found.`, type: 'invalid_request_error', param: null, code: null } });
    expect((await ctx.api(`/openai/v1/responses/${kept.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('chains turns: the model sees earlier user messages of the previous_response_id chain', async () => {
    const first = await ctx.client.responses.create({ model: 'gpt-4.1', input: 'a' });
    const second = await ctx.client.responses.create({ model: 'gpt-4.1', input: 'b', previous_response_id: first.id });
    const third = await ctx.client.responses.create({ model: 'gpt-4.1', input: 'c', previous_response_id: second.id });
    expect(third.output_text).toBe('Echo: c (turn 3; earlier: "a", "b")');
    expect(third.previous_response_id).toBe(second.id);
    expect(third.usage!.input_tokens).toBeGreaterThan(first.usage!.input_tokens);
  });

  it('accepts message arrays with string or part content and typed items', async () => {
    const response = await ctx.client.responses.create({
      model: 'gpt-4.1',
      input: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'second ' }, { type: 'input_text', text: 'part' }] },
      ],
    });
    expect(response.output_text).toBe('Echo: second part (turn 2; earlier: "first")');
  });
});

describe('the deterministic model', () => {
  it('"N words" gives exactly N words, the same every time', async () => {
    const a = await ctx.client.responses.create({ model: 'gpt-4.1', input: 'Write 250 words' });
    const b = await ctx.client.responses.create({ model: 'gpt-4.1', input: 'Write 250 words' });
    expect(a.output_text.trim().split(/\s+/)).toHaveLength(250);
    expect(a.output_text).toBe(b.output_text);
    expect(a.output_text).toMatch(/\.\n\n[A-Z]/);
  });

  it('"story" gives a story of about 400 words', async () => {
    const story = await ctx.client.responses.create({ model: 'gpt-4.1', input: 'Tell me a story' });
    const words = story.output_text.split(/\s+/).length;
    expect(words).toBeGreaterThan(380);
    expect(words).toBeLessThan(480);
  });

  it('reasoning models reason, with summary parts when asked, and encrypted content when included', async () => {
    const plain = await ctx.client.responses.create({ model: 'gpt-4.1', input: 'hi', reasoning: { summary: 'auto' } });
    expect(plain.output.map((item) => item.type)).toEqual(['message']);
    const concise = await ctx.client.responses.create({ model: 'o4-mini', input: 'hi', reasoning: { effort: 'low', summary: 'concise' } });
    expect(concise.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(concise.reasoning).toEqual({ effort: 'low', summary: 'concise' });
    const reasoning = concise.output[0] as { summary: Array<{ text: string }>; encrypted_content?: string };
    expect(reasoning.summary).toHaveLength(1);
    expect(reasoning.summary[0]!.text).toMatch(/^\*\*Understanding the request\*\*/);
    expect(reasoning.encrypted_content).toBeUndefined();
    expect(concise.usage!.output_tokens_details.reasoning_tokens).toBeGreaterThan(64);
    const detailed = await ctx.client.responses.create({ model: 'gpt-5-mini', input: 'hi', reasoning: { summary: 'detailed' }, include: ['reasoning.encrypted_content'] });
    const item = detailed.output[0] as { summary: unknown[]; encrypted_content?: string };
    expect(item.summary).toHaveLength(2);
    expect(item.encrypted_content).toMatch(/^gAAAAAB/);
  });

  it('max_output_tokens cuts the reply and ends incomplete', async () => {
    const response = await ctx.client.responses.create({ model: 'gpt-4.1', input: 'Write 500 words', max_output_tokens: 20 });
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.usage!.output_tokens).toBe(20);
    expect((response.output[0] as { status: string }).status).toBe('incomplete');
  });
});

describe('validation errors, as the service words them', () => {
  const bad = async (body: unknown, raw?: string) => {
    const res = await ctx.api('/openai/v1/responses', raw === undefined ? { json: body } : { method: 'POST', body: raw, headers: { 'content-type': 'application/json' } });
    return { status: res.status, body: (await res.json()) as { error: { message: string; param: string | null; code: string | null; type?: string } } };
  };

  it.each([
    [{ input: 'x' }, "Missing required parameter: 'model'.", 'model'],
    [{ model: 'gpt-4.1' }, "Missing required parameter: 'input'.", 'input'],
    [{ model: 'gpt-4.1', input: 'x', background: true, store: false }, 'Background mode requires store=true.', 'store'],
    [{ model: 'gpt-4.1', input: 'x', previous_response_id: 'resp_nope' }, "Previous response with id 'resp_nope' not found.", 'previous_response_id'],
    [{ model: 'gpt-4.1', input: 'x', temperature: 3 }, "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.", 'temperature'],
    [{ model: 'gpt-4.1', input: 'x', top_p: -1 }, "Invalid 'top_p': decimal below minimum value. Expected a value >= 0, but got -1 instead.", 'top_p'],
    [{ model: 'gpt-4.1', input: 'x', max_output_tokens: 5 }, "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 5 instead.", 'max_output_tokens'],
    [{ model: 'gpt-4.1', input: 'x', reasoning: { effort: 'huge' } }, /^Invalid value: 'huge'/, 'reasoning.effort'],
  ])('%j → 400', async (body, message, param) => {
    const result = await bad(body);
    expect(result.status).toBe(400);
    expect(result.body.error.type).toBe('invalid_request_error');
    expect(result.body.error.param).toBe(param);
    if (typeof message === 'string') expect(result.body.error.message).toBe(message);
    else expect(result.body.error.message).toMatch(message);
  });

  it('malformed JSON → 400 naming the body', async () => {
    const result = await bad(undefined, '{"model": ');
    expect(result.status).toBe(400);
    expect(result.body.error.message).toMatch(/^We could not parse the JSON body of your request/);
  });

  it('the SDK surfaces these as BadRequestError with the request id', async () => {
    const error = (await ctx.client.responses.create({ model: 'gpt-4.1', input: 'x', temperature: 9 }).catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.headers?.get('apim-request-id')).toBeTruthy();
  });
});

describe('deployments', () => {
  const only = useTestEmulator({ deployments: ['gpt-4.1'] });
  it('an unknown deployment gets 404 DeploymentNotFound', async () => {
    const res = await only.api('/openai/v1/responses', { json: { model: 'gpt-nope', input: 'x' } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('DeploymentNotFound');
    expect((await only.api('/openai/v1/responses', { json: { model: 'gpt-4.1', input: 'x' } })).status).toBe(200);
  });
});

describe('input_items', () => {
  it('pages through the input items, newest first by default', async () => {
    const input = Array.from({ length: 7 }, (_, i) => ({ role: 'user' as const, content: `m${i}` }));
    const response = await ctx.client.responses.create({ model: 'gpt-4.1', input });
    const page = (await (await ctx.api(`/openai/v1/responses/${response.id}/input_items?limit=3`)).json()) as {
      object: string; data: Array<{ id: string; content: Array<{ text: string }> }>; first_id: string; last_id: string; has_more: boolean;
    };
    expect(page.object).toBe('list');
    expect(page.data.map((item) => item.content[0]!.text)).toEqual(['m6', 'm5', 'm4']);
    expect(page).toMatchObject({ first_id: page.data[0]!.id, last_id: page.data[2]!.id, has_more: true });
    const all: string[] = [];
    for await (const item of ctx.client.responses.inputItems.list(response.id, { limit: 2, order: 'asc' })) {
      all.push((item as { content: Array<{ text: string }> }).content[0]!.text);
    }
    expect(all).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    const last = (await (await ctx.api(`/openai/v1/responses/${response.id}/input_items?order=asc&after=${page.data[0]!.id}`)).json()) as { data: unknown[]; has_more: boolean; first_id: string | null };
    expect(last).toMatchObject({ data: [], has_more: false, first_id: null });
    expect((await ctx.api(`/openai/v1/responses/${response.id}/input_items?limit=101`)).status).toBe(400);
    expect((await ctx.api(`/openai/v1/responses/${response.id}/input_items?order=up`)).status).toBe(400);
  });
});
