// The emulator's tool output against the recorded real streams: the same event types in the same
// order for each item kind, item shapes the SDK accepts, and the service's checks on tool turns.
import { describe, expect, it } from 'vitest';
import { loadRecordings } from '../helpers/recordings.ts';
import { parseSse, useTestEmulator } from './helpers.ts';

const ctx = useTestEmulator();
const recordings = loadRecordings();

/** Event types of one item kind, with consecutive deltas collapsed (their count depends on the text). */
function itemEventTypes(events: Array<Record<string, unknown>>, itemType: string): string[] {
  const ids = new Set(events.filter((e) => (e.item as { type?: string } | undefined)?.type === itemType).map((e) => (e.item as { id: string }).id));
  const first = [...ids][0];
  const types = events.filter((e) => (e.item as { id?: string } | undefined)?.id === first || e.item_id === first).map((e) => String(e.type));
  return types.filter((type, i) => !(type.endsWith('.delta') && types[i - 1] === type));
}

async function stream(body: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  const res = await ctx.api('/openai/v1/responses', { json: { model: 'gpt-4.1', stream: true, ...body } });
  expect(res.status).toBe(200);
  return parseSse(await res.text()).map((e) => e.data);
}

const recorded = (name: string) => recordings.find((r) => r.name.startsWith(`vercel-ai/${name}`))!.events;
const WEATHER = { type: 'function', name: 'weather', strict: true, parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'], additionalProperties: false } };
const MCP = { type: 'mcp', server_label: 'calc', server_url: 'https://mcp.example.com', require_approval: 'never' };

describe('event sequences match the recorded streams', () => {
  it('function_call', async () => {
    const events = await stream({ input: 'weather in San Francisco', tools: [WEATHER] });
    expect(itemEventTypes(events, 'function_call')).toEqual(itemEventTypes(recorded('azure-tool-call'), 'function_call'));
    const done = events.find((e) => e.type === 'response.function_call_arguments.done')!;
    expect(JSON.parse(String(done.arguments))).toEqual({ location: 'San Francisco' });
    expect(events.at(-1)!.type).toBe('response.completed');
    expect((events.at(-1)!.response as { output: unknown[] }).output).toHaveLength(1);
  });

  it('mcp_list_tools and mcp_call', async () => {
    const events = await stream({ input: 'add 2 and 3', tools: [MCP] });
    const reference = recorded('openai-mcp-tool.1');
    expect(itemEventTypes(events, 'mcp_list_tools')).toEqual(itemEventTypes(reference, 'mcp_list_tools'));
    expect(itemEventTypes(events, 'mcp_call')).toEqual(itemEventTypes(reference, 'mcp_call'));
  });

  it('mcp_approval_request', async () => {
    const events = await stream({ input: 'echo this', tools: [{ ...MCP, require_approval: 'always' }] });
    expect(itemEventTypes(events, 'mcp_approval_request')).toEqual(itemEventTypes(recorded('openai-mcp-tool-approval'), 'mcp_approval_request'));
    expect(events.some((e) => e.type === 'response.output_text.delta')).toBe(false);
  });

  it('code_interpreter_call', async () => {
    const events = await stream({ input: 'calculate 2 * 21 in python', tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] });
    expect(itemEventTypes(events, 'code_interpreter_call')).toEqual(itemEventTypes(recorded('azure-code-interpreter-tool'), 'code_interpreter_call'));
  });
});

describe('through the SDK', () => {
  it('a function-call round trip, and the tool turn checks', async () => {
    const first = await ctx.client.responses.create({ model: 'gpt-4.1', input: 'weather in Oslo', tools: [WEATHER as never] });
    const call = first.output.find((item) => item.type === 'function_call')!;
    expect(call).toMatchObject({ type: 'function_call', name: 'weather', status: 'completed' });
    const second = await ctx.client.responses.create({ model: 'gpt-4.1', previous_response_id: first.id, input: [{ type: 'function_call_output', call_id: call.call_id, output: '12C' }] });
    expect(second.output_text).toBe('weather returned: 12C');
    await expect(ctx.client.responses.create({ model: 'gpt-4.1', previous_response_id: first.id, input: 'hi' })).rejects.toThrow(/No tool output found for function call/);
  });

  it('json_schema output validates, and MCP headers are never echoed', async () => {
    const response = await ctx.client.responses.create({
      model: 'gpt-4.1',
      input: 'count: 3 please',
      text: { format: { type: 'json_schema', name: 'n', strict: true, schema: { type: 'object', properties: { count: { type: 'integer' }, ok: { type: 'boolean' } }, required: ['count', 'ok'], additionalProperties: false } } },
      tools: [{ ...MCP, headers: { Authorization: 'Bearer emulator-test-header-value' } } as never],
    });
    expect(JSON.parse(response.output_text)).toEqual({ count: 3, ok: true });
    expect(JSON.stringify(response)).not.toContain('emulator-test-header-value');
  });

  it('files: multipart upload through the SDK, retrieve, content, delete', async () => {
    const { toFile } = await import('openai');
    const file = await ctx.client.files.create({ file: await toFile(Buffer.from('%PDF-1.4 x'), 'x.pdf'), purpose: 'assistants' });
    expect(file).toMatchObject({ object: 'file', filename: 'x.pdf', bytes: 10, purpose: 'assistants' });
    expect(await (await ctx.client.files.content(file.id)).text()).toBe('%PDF-1.4 x');
    expect(await ctx.client.files.delete(file.id)).toEqual({ object: 'file', id: file.id, deleted: true });
    await expect(ctx.client.files.create({ file: await toFile(Buffer.from('x'), 'x.txt'), purpose: 'bogus' as never })).rejects.toThrow(/Invalid value for purpose: 'bogus'/);
  });

  it('encrypted reasoning round-trips statelessly; tampering fails verification', async () => {
    const first = await ctx.client.responses.create({ model: 'o4-mini', input: 'one', store: false, include: ['reasoning.encrypted_content'] });
    const reasoning = first.output.find((item) => item.type === 'reasoning')!;
    expect(reasoning.encrypted_content).toMatch(/^gAAAAAB/);
    const second = await ctx.client.responses.create({ model: 'o4-mini', store: false, input: [{ role: 'user', content: 'one' }, ...(first.output as never[]), { role: 'user', content: 'two' }] });
    expect(second.output_text).toBe('Echo: two (turn 2; earlier: "one")');
    const tampered = { ...reasoning, encrypted_content: 'gAAAAABnot-really' };
    await expect(ctx.client.responses.create({ model: 'o4-mini', store: false, input: [tampered as never] })).rejects.toThrow(/could not be verified/);
  });
});
