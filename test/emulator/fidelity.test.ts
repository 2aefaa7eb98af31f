// Where the emulator once differed from the real service (issue #16), one test per difference:
// item_reference inputs, reasoning effort none, hosted MCP order, Azure's image stream, failed and
// cancelled responses, fields real responses carry, input_items shapes and unknown file ids.
import { describe, expect, it } from 'vitest';
import { loadRecordings } from '../helpers/recordings.ts';
import { IMAGE_HEADERS, MCP_ALWAYS, MCP_NEVER, WEATHER } from './conformance/scenarios.ts';
import { parseSse, useTestEmulator, waitFor } from './helpers.ts';

const ctx = useTestEmulator();
const recordings = loadRecordings();
const recorded = (name: string) => recordings.find((r) => r.name.startsWith(name))!.events;

type Json = Record<string, unknown>;

async function post(body: Json, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const res = await ctx.api('/openai/v1/responses', { json: body, headers });
  return { status: res.status, body: (await res.json()) as Json };
}

async function stream(body: Json, headers: Record<string, string> = {}): Promise<Json[]> {
  const res = await ctx.api('/openai/v1/responses', { json: { ...body, stream: true }, headers });
  expect(res.status).toBe(200);
  return parseSse(await res.text()).map((e) => e.data);
}


describe('item_reference inputs resolve to stored items', () => {
  it('an approval response finds its request through a reference, without previous_response_id', async () => {
    const first = await post({ model: 'gpt-5-mini', input: 'echo hello', tools: [MCP_ALWAYS] });
    const request = (first.body.output as Json[]).find((item) => item.type === 'mcp_approval_request')!;
    const second = await post({
      model: 'gpt-5-mini',
      store: true,
      tools: [MCP_ALWAYS],
      input: [
        { role: 'user', content: 'echo hello' },
        { type: 'item_reference', id: request.id },
        { type: 'mcp_approval_response', approval_request_id: request.id, approve: true },
      ],
    });
    expect(second.status).toBe(200);
    const call = (second.body.output as Json[]).find((item) => item.type === 'mcp_call')!;
    expect(call).toMatchObject({ name: 'echo', approval_request_id: request.id, status: 'completed' });
  });

  it('the model sees referenced messages, and input_items lists the items themselves', async () => {
    const first = await post({ model: 'gpt-4.1', input: 'first question' });
    const message = (first.body.output as Json[])[0]!;
    const userItem = ((await (await ctx.api(`/openai/v1/responses/${String(first.body.id)}/input_items`)).json()) as { data: Json[] }).data[0]!;
    const second = await post({ model: 'gpt-4.1', input: [{ type: 'item_reference', id: userItem.id }, { type: 'item_reference', id: message.id }, { role: 'user', content: 'second' }] });
    expect(second.status).toBe(200);
    expect(((second.body.output as Json[])[0]!.content as Json[])[0]!.text).toBe('Echo: second (turn 2; earlier: "first question")');
    const items = ((await (await ctx.api(`/openai/v1/responses/${String(second.body.id)}/input_items?order=asc`)).json()) as { data: Json[] }).data;
    expect(items.map((item) => [item.type, item.id])).toEqual([
      ['message', userItem.id],
      ['message', message.id],
      ['message', expect.stringMatching(/^msg_/)],
    ]);
  });

  it('a reasoning item sent by reference in a tool loop pairs with its call (store: false follow-up)', async () => {
    const first = await post({ model: 'o4-mini', input: 'weather in Oslo', tools: [WEATHER] });
    const [reasoning, call] = first.body.output as Json[];
    expect([reasoning!.type, call!.type]).toEqual(['reasoning', 'function_call']);
    const second = await post({
      model: 'o4-mini',
      store: false,
      tools: [WEATHER],
      input: [
        { role: 'user', content: 'weather in Oslo' },
        { type: 'item_reference', id: reasoning!.id },
        { type: 'item_reference', id: call!.id },
        { type: 'function_call_output', call_id: call!.call_id, output: '21C' },
      ],
    });
    expect(second.status).toBe(200);
    expect(JSON.stringify(second.body.output)).toContain('get_weather returned: 21C');
  });

  it('a reference to an unknown id fails as the service does: 400, param input', async () => {
    const answer = await post({ model: 'gpt-4.1', input: [{ type: 'item_reference', id: 'msg_doesnotexist' }, { role: 'user', content: 'hi' }] });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ type: 'invalid_request_error', param: 'input', message: "Item with id 'msg_doesnotexist' not found." });
    const unstored = await post({ model: 'gpt-4.1', input: 'not kept', store: false });
    const gone = await post({ model: 'gpt-4.1', input: [{ type: 'item_reference', id: (unstored.body.output as Json[])[0]!.id }] });
    expect(gone.status).toBe(400);
  });
});

describe('the recorded streams', () => {
  it('reasoning effort none: no reasoning item and no reasoning tokens (vercel-ai/azure-text)', async () => {
    const reference = recorded('vercel-ai/azure-text');
    expect(reference.some((e) => (e.item as Json | undefined)?.type === 'reasoning')).toBe(false);
    const events = await stream({ model: 'gpt-5.1', input: 'Hello', reasoning: { effort: 'none' } });
    expect(events.some((e) => (e.item as Json | undefined)?.type === 'reasoning')).toBe(false);
    const final = events.at(-1)!.response as Json;
    expect(final.reasoning).toEqual({ effort: 'none', summary: null });
    expect((final.usage as { output_tokens_details: Json }).output_tokens_details.reasoning_tokens).toBe(0);
  });

  it('hosted MCP: mcp_list_tools first, the reasoning item after it', async () => {
    const order = (events: Json[]) => events.filter((e) => e.type === 'response.output_item.added').map((e) => (e.item as Json).type);
    expect(order(recorded('vercel-ai/openai-mcp-tool.1')).slice(0, 2)).toEqual(['mcp_list_tools', 'reasoning']);
    expect(order(await stream({ model: 'gpt-5-mini', input: 'add 2 and 3', tools: [MCP_NEVER] })).slice(0, 3)).toEqual(['mcp_list_tools', 'reasoning', 'mcp_call']);
    expect(order(await stream({ model: 'gpt-5-mini', input: 'echo hi', tools: [MCP_ALWAYS] }))).toEqual(['mcp_list_tools', 'reasoning', 'mcp_approval_request']);
  });

  it("image generation follows Azure's stream: no .completed event, no result on added, the tool echoed in full", async () => {
    const events = await stream({ model: 'gpt-4.1-mini', input: 'draw a raccoon', tools: [{ type: 'image_generation', size: '64x64', quality: 'medium' }] }, IMAGE_HEADERS);
    const types = events.map((e) => e.type);
    expect(types).not.toContain('response.image_generation_call.completed');
    const added = events.find((e) => e.type === 'response.output_item.added')!.item as Json;
    expect(added).toEqual({ id: added.id, type: 'image_generation_call', status: 'in_progress' });
    const reference = recorded('vercel-ai/azure-image-generation-tool');
    const referenceTool = ((reference[0]!.response as Json).tools as Json[])[0]!;
    const tool = ((events[0]!.response as Json).tools as Json[])[0]!;
    expect(Object.keys(tool).sort()).toEqual(Object.keys(referenceTool).sort());
    expect(tool).toMatchObject({ model: 'gpt-image-1', moderation: 'auto', n: 1, output_compression: 100, background: 'auto', size: '64x64', quality: 'medium' });
  });

  it('response.failed carries usage null, as recorded (openai-error)', async () => {
    expect((recorded('vercel-ai/openai-error').at(-1)!.response as Json).usage).toBeNull();
    const failed = await stream({ model: 'gpt-4.1', input: 'Write 50 words' }, { 'x-emulator-fault': 'error-event-after=4' });
    expect(failed.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed', usage: null } });
    const json = await post({ model: 'gpt-4.1', input: 'hi' }, { 'x-emulator-fault': 'fail' });
    expect(json.body).toMatchObject({ status: 'failed', usage: null, completed_at: null });
  });

  it('a cancelled background response: output cleared, no usage, streams end with response.failed; finished ones refuse', async () => {
    const queued = await post({ model: 'gpt-4.1', input: 'Write 300 words', background: true }, { 'x-emulator-fault': 'delay-ms=20' });
    const id = String(queued.body.id);
    const following = ctx.api(`/openai/v1/responses/${id}?stream=true`).then(async (res) => parseSse(await res.text()).map((e) => e.data));
    await waitFor(async () => {
      const now = (await (await ctx.api(`/openai/v1/responses/${id}`)).json()) as Json;
      return (now.output as Json[]).length > 0 ? now : undefined;
    });
    const cancelled = (await (await ctx.api(`/openai/v1/responses/${id}/cancel`, { method: 'POST' })).json()) as Json;
    expect(cancelled).toMatchObject({ status: 'cancelled', output: [], usage: null, completed_at: null, error: null, background: true });
    const events = await following;
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { id, status: 'cancelled', output: [] } });
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const finished = await post({ model: 'gpt-4.1', input: 'hi', background: true });
    await waitFor(async () => (((await (await ctx.api(`/openai/v1/responses/${String(finished.body.id)}`)).json()) as Json).status === 'completed' ? true : undefined));
    const refused = await ctx.api(`/openai/v1/responses/${String(finished.body.id)}/cancel`, { method: 'POST' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: Json }).error).toMatchObject({ type: 'invalid_request_error', message: 'Cannot cancel a completed response.' });
  });

  it('fields real responses carry: penalties, moderation, reasoning context and mode, content: [], phase, content_filter_raw []', async () => {
    const response = (await post({ model: 'gpt-5.5', input: 'Capital of France?', reasoning: { context: 'all_turns' } })).body;
    expect(response).toMatchObject({ frequency_penalty: 0, presence_penalty: 0, moderation: null });
    expect(response.reasoning).toEqual({ context: 'all_turns', effort: 'medium', mode: 'standard', summary: null });
    const [reasoning, message] = response.output as Json[];
    expect(reasoning).toMatchObject({ type: 'reasoning', content: [], summary: [] });
    expect(message).toMatchObject({ type: 'message', phase: 'final_answer' });
    for (const filter of response.content_filters as Json[]) expect(filter.content_filter_raw).toEqual([]);
    const older = (await post({ model: 'gpt-5.1', input: 'hi' })).body;
    expect((older.output as Json[]).find((item) => item.type === 'message')).not.toHaveProperty('phase');
    expect(older.reasoning).toEqual({ effort: 'medium', summary: null });
  });

  it('background deltas carry no obfuscation; foreground ones do', async () => {
    const queued = await post({ model: 'gpt-4.1', input: 'Write 10 words', background: true });
    const replay = parseSse(await (await ctx.api(`/openai/v1/responses/${String(queued.body.id)}?stream=true`)).text()).map((e) => e.data);
    const deltas = replay.filter((e) => e.type === 'response.output_text.delta');
    expect(deltas.length).toBeGreaterThan(0);
    for (const delta of deltas) expect(delta).not.toHaveProperty('obfuscation');
    const live = await stream({ model: 'gpt-4.1', input: 'Write 10 words' });
    expect(live.find((e) => e.type === 'response.output_text.delta')).toHaveProperty('obfuscation');
  });
});

describe('input_items and files', () => {
  it('function_call_output items have a status; an assistant message keeps logprobs on its output_text', async () => {
    const first = await post({ model: 'gpt-4.1', input: 'weather in Oslo', tools: [WEATHER] });
    const call = (first.body.output as Json[]).find((item) => item.type === 'function_call')!;
    const second = await post({
      model: 'gpt-4.1',
      previous_response_id: first.body.id,
      tools: [WEATHER],
      input: [
        { type: 'function_call_output', call_id: call.call_id, output: '21C' },
        { role: 'assistant', content: [{ type: 'output_text', text: 'Noted.' }] },
      ],
    });
    const items = ((await (await ctx.api(`/openai/v1/responses/${String(second.body.id)}/input_items?order=asc`)).json()) as { data: Json[] }).data;
    expect(items[0]).toMatchObject({ type: 'function_call_output', status: 'completed' });
    expect((items[1]!.content as Json[])[0]).toEqual({ type: 'output_text', annotations: [], logprobs: [], text: 'Noted.' });
  });

  it('file ids never uploaded are a 404, whatever their shape', async () => {
    for (const id of ['file-doesnotexist', 'assistant-abc123', `file-${'0'.repeat(32)}`]) {
      const answer = await post({ model: 'gpt-4.1', input: [{ role: 'user', content: [{ type: 'input_file', file_id: id }] }] });
      expect(answer.status).toBe(404);
      expect(answer.body.error).toMatchObject({ message: `The file '${id}' was not found.` });
      expect((await ctx.api(`/openai/v1/files/${id}`)).status).toBe(404);
    }
  });
});

describe("the Azure docs' prompts behave plausibly, and tool choice follows the request", () => {
  const text = (response: Json) =>
    (response.output as Json[])
      .filter((item) => item.type === 'message')
      .flatMap((item) => item.content as Json[])
      .map((part) => String(part.text))
      .join('');
  const CODE = { type: 'code_interpreter', container: { type: 'auto' } };

  it('"What is this repo in 100 words?" answers about the repo, in exactly 100 words', async () => {
    const answer = text((await post({ model: 'gpt-4.1', input: 'What is this repo in 100 words?' })).body);
    expect(answer.startsWith('This repo is ')).toBe(true);
    expect(answer.trim().split(/\s+/)).toHaveLength(100);
  });

  it('the code-interpreter example solves 3x + 11 = 14; "the 20th Fibonacci number" is 6765', async () => {
    const equation = (await post({ model: 'gpt-4.1', tools: [CODE], input: 'I need to solve the equation 3x + 11 = 14. Can you help me?' })).body;
    expect((equation.output as Json[]).map((item) => item.type)).toEqual(['code_interpreter_call', 'message']);
    expect(text(equation)).toContain('x = 1.0');
    const fibonacci = (await post({ model: 'gpt-4.1', tools: [CODE], input: 'Calculate the 20th Fibonacci number in Python' })).body;
    expect(text(fibonacci)).toContain('6765');
  });

  it("a schema's values fit its property names: name is the person, city the place", async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' }, city: { type: 'string' } }, required: ['name', 'age', 'city'], additionalProperties: false };
    const response = (await post({ model: 'gpt-4.1', input: 'Extract: Ada Lovelace, 36, London', text: { format: { type: 'json_schema', name: 'person', strict: true, schema } } })).body;
    expect(JSON.parse(text(response))).toEqual({ name: 'Ada Lovelace', age: 36, city: 'London' });
    const call = (await post({ model: 'gpt-4.1', input: 'What is the weather like in Boston today?', tools: [WEATHER] })).body;
    expect(JSON.parse(String((call.output as Json[])[0]!.arguments))).toEqual({ location: 'Boston' });
  });

  it('tool_choice names the code interpreter, an MCP server or image generation; descriptions count', async () => {
    const forcedCode = (await post({ model: 'gpt-4.1', tools: [CODE], tool_choice: { type: 'code_interpreter' }, input: 'hello' })).body;
    expect((forcedCode.output as Json[])[0]!.type).toBe('code_interpreter_call');
    const forcedMcp = (await post({ model: 'gpt-4.1', tools: [MCP_NEVER], tool_choice: { type: 'mcp', server_label: 'calc', name: 'add' }, input: 'two and three: 2 3' })).body;
    expect((forcedMcp.output as Json[]).find((item) => item.type === 'mcp_call')).toMatchObject({ name: 'add', arguments: '{"a":2,"b":3}' });
    const forcedImage = (await post({ model: 'gpt-4.1', tools: [{ type: 'image_generation', size: '16x16' }], tool_choice: { type: 'image_generation' }, input: 'no image please' }, IMAGE_HEADERS)).body;
    expect((forcedImage.output as Json[])[0]!.type).toBe('image_generation_call');
    const byDescription = (await post({ model: 'gpt-4.1', tools: [{ ...WEATHER, name: 'lookup', description: 'Current forecast for a location' }], input: 'What is the current forecast?' })).body;
    expect((byDescription.output as Json[])[0]).toMatchObject({ type: 'function_call', name: 'lookup' });
    const unrelated = (await post({ model: 'gpt-4.1', tools: [{ ...WEATHER, name: 'lookup', description: 'Current forecast for a location' }], input: 'Tell me a joke' })).body;
    expect((unrelated.output as Json[])[0]!.type).toBe('message');
  });
});
