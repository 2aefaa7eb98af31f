// A second, independently written Responses-API client against the emulator: the Vercel AI SDK
// (`ai` + `@ai-sdk/openai`, test-only devDependencies). It builds its requests its own way — with
// store on it sends earlier assistant items, reasoning items and MCP approval requests back as
// `item_reference` inputs — and parses answers and streams with its own schemas, so it catches
// what the openai SDK's lenient parsing lets through. Plain, streamed, function-tool (with a
// reasoning model, multi-step) and hosted-MCP approval flows.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, streamText, tool, type ModelMessage } from 'ai';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KEY, useTestEmulator } from './helpers.ts';

const ctx = useTestEmulator();
let provider: ReturnType<typeof createOpenAI>;

beforeAll(() => {
  provider = createOpenAI({ baseURL: `${ctx.emulator.url}/openai/v1`, apiKey: KEY });
});

type Json = Record<string, unknown>;

/** The input items of the last create request the emulator received. */
function lastInput(): Json[] {
  const creates = ctx.emulator.requests.filter((entry) => entry.method === 'POST' && entry.path === '/openai/v1/responses');
  return (creates.at(-1)!.body as { input: Json[] }).input;
}

const weather = tool({
  description: 'Current weather for a location',
  inputSchema: z.object({ location: z.string() }),
  execute: async ({ location }) => `21C and sunny in ${location}`,
});

describe('the Vercel AI SDK against the emulator', () => {
  it('plain text', async () => {
    const result = await generateText({ model: provider.responses('gpt-4.1'), prompt: 'Hello there' });
    expect(result.text).toBe('Echo: Hello there');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it('streamed text, with reasoning summaries from a reasoning model', async () => {
    const result = streamText({
      model: provider.responses('o4-mini'),
      prompt: 'Write 12 words',
      providerOptions: { openai: { reasoningSummary: 'auto' } },
    });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text.trim().split(/\s+/)).toHaveLength(12);
    expect(await result.reasoningText).toContain('Understanding the request');
    expect((await result.usage).reasoningTokens).toBeGreaterThan(0);
  });

  it('a function tool over several steps; the reasoning item goes back by item_reference', async () => {
    const result = await generateText({
      model: provider.responses('o4-mini'),
      prompt: 'What is the weather in Oslo?',
      tools: { get_weather: weather },
      stopWhen: stepCountIs(3),
    });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]!.toolCalls[0]).toMatchObject({ toolName: 'get_weather', input: { location: 'Oslo' } });
    expect(result.text).toBe('get_weather returned: 21C and sunny in Oslo');
    const input = lastInput();
    expect(input.some((item) => item.type === 'item_reference' && String(item.id).startsWith('rs_'))).toBe(true);
    expect(input.some((item) => item.type === 'function_call_output')).toBe(true);
  });

  it('a streamed function tool', async () => {
    const result = streamText({ model: provider.responses('gpt-4.1'), prompt: 'weather in Paris', tools: { get_weather: weather }, stopWhen: stepCountIs(3) });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe('get_weather returned: 21C and sunny in Paris');
  });

  it('hosted MCP approval: the request, then the approval sent with an item_reference to it', async () => {
    const tools = { calc: provider.tools.mcp({ serverLabel: 'calc', serverUrl: 'https://mcp.example.com', requireApproval: 'always' }) };
    const messages: ModelMessage[] = [{ role: 'user', content: 'echo hello' }];
    const first = await generateText({ model: provider.responses('gpt-5-mini'), messages, tools });
    const request = first.content.find((part) => part.type === 'tool-approval-request');
    expect(request).toBeDefined();
    const approvalId = (request as { approvalId: string }).approvalId;
    expect(approvalId).toMatch(/^mcpr_/);

    // providerExecuted marks the approval as one for the service (the SDK's UI messages set it too).
    messages.push(...first.response.messages, { role: 'tool', content: [{ type: 'tool-approval-response', approvalId, approved: true, providerExecuted: true }] });
    const second = await generateText({ model: provider.responses('gpt-5-mini'), messages, tools });
    expect(lastInput()).toContainEqual({ type: 'item_reference', id: approvalId });
    expect(second.text).toBe('The echo tool on calc returned: hello');
    const result = second.content.find((part) => part.type === 'tool-result');
    expect(result).toMatchObject({ toolName: 'mcp.echo', providerExecuted: true, output: { serverLabel: 'calc', name: 'echo', output: 'hello' } });
  });
});
