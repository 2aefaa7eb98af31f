// Conformance: every answer and every stream event of the emulator validated against the OpenAI
// OpenAPI spec (test/fixtures/openapi/openapi.yaml). Where the emulator deliberately differs
// (because the real Azure wire does), the difference must be listed in docs/emulator.md under
// "Known differences"; a listed difference that no longer occurs fails the test too, so the list
// stays true.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpec, SPEC_PATCHES, type SpecValidator } from './conformance/openapi.ts';
import { knownDifferences } from './conformance/known-differences.ts';
import { SCENARIOS, WEATHER } from './conformance/scenarios.ts';
import { parseSse, useTestEmulator } from './helpers.ts';

const ctx = useTestEmulator();
let spec: SpecValidator;
/** schema name → the first error seen for it (a failure the known-differences list must name). */
const failures = new Map<string, string>();

beforeAll(() => {
  spec = loadSpec();
}, 60_000);

function validate(schema: string, value: unknown): void {
  const errors = spec.check(schema, value);
  if (errors.length && !failures.has(schema)) failures.set(schema, `${errors.slice(0, 3).join('; ')} in ${JSON.stringify(value).slice(0, 300)}`);
}

function validateEvent(event: Record<string, unknown>): void {
  const schema = spec.eventSchema(String(event.type));
  if (!schema) {
    failures.set(`event ${String(event.type)}`, 'not a ResponseStreamEvent in the spec');
    return;
  }
  validate(schema, event);
}

async function create(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; json?: Record<string, unknown>; events?: Array<Record<string, unknown>> }> {
  const res = await ctx.api('/openai/v1/responses', { json: body, headers });
  const type = res.headers.get('content-type') ?? '';
  if (type.startsWith('text/event-stream')) return { status: res.status, events: parseSse(await res.text()).map((e) => e.data) };
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('every answer and stream event validates against the OpenAPI spec', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: JSON and streamed`, async () => {
      const plain = await create(scenario.body, scenario.headers);
      expect(plain.status).toBe(200);
      validate('Response', plain.json);
      const streamed = await create({ ...scenario.body, stream: true }, scenario.headers);
      expect(streamed.events!.length).toBeGreaterThan(2);
      for (const event of streamed.events!) validateEvent(event);
    });
  }

  it('the dated URL form answers the same shapes', async () => {
    const path = '/openai/responses?api-version=2025-04-01-preview';
    const plain = await ctx.api(path, { json: { model: 'o4-mini', input: 'Hello', tools: [WEATHER], reasoning: { summary: 'auto' } } });
    expect(plain.status).toBe(200);
    validate('Response', await plain.json());
    const streamed = await ctx.api(path, { json: { model: 'o4-mini', input: 'weather in Oslo', tools: [WEATHER], stream: true } });
    const events = parseSse(await streamed.text());
    expect(events.at(-1)!.event).toBe('response.completed');
    for (const { data } of events) validateEvent(data);
  });

  it('background: queued answer, resumed stream, retrieve, cancel', async () => {
    const queued = await create({ model: 'gpt-4.1', input: 'Write 30 words', background: true });
    validate('Response', queued.json);
    const id = String(queued.json!.id);
    const res = await ctx.api(`/openai/v1/responses/${id}?stream=true&starting_after=0`);
    for (const { data } of parseSse(await res.text())) validateEvent(data);
    validate('Response', await (await ctx.api(`/openai/v1/responses/${id}`)).json());
    const slow = await create({ model: 'gpt-4.1', input: 'Write 500 words', background: true }, { 'x-emulator-fault': 'delay-ms=20' });
    const cancelled = (await (await ctx.api(`/openai/v1/responses/${String(slow.json!.id)}/cancel`, { method: 'POST' })).json()) as Record<string, unknown>;
    expect(cancelled.status).toBe('cancelled');
    validate('Response', cancelled);
  });

  it('input_items, including function outputs, assistant messages and item references', async () => {
    const first = await create({ model: 'gpt-4.1', input: 'weather in Oslo', tools: [WEATHER] });
    const call = (first.json!.output as Array<Record<string, unknown>>).find((item) => item.type === 'function_call')!;
    const second = await create({
      model: 'gpt-4.1',
      tools: [WEATHER],
      input: [
        { role: 'user', content: 'weather in Oslo' },
        { type: 'item_reference', id: call.id },
        { type: 'function_call_output', call_id: call.call_id, output: '{"temperature":21}' },
        { role: 'assistant', content: [{ type: 'output_text', text: 'It is 21 degrees.' }] },
        { role: 'user', content: 'Thanks' },
      ],
    });
    expect(second.status).toBe(200);
    const list = await (await ctx.api(`/openai/v1/responses/${String(second.json!.id)}/input_items?order=asc`)).json();
    validate('ResponseItemList', list);
  });

  it('files: upload, list, retrieve, delete', async () => {
    const form = new FormData();
    form.append('purpose', 'assistants');
    form.append('file', new Blob([Buffer.from('%PDF-1.4\n')], { type: 'application/pdf' }), 'a.pdf');
    const uploaded = (await (await ctx.api('/openai/v1/files', { method: 'POST', body: form })).json()) as { id: string };
    expect(uploaded.id).toMatch(/^file-/);
    validate('OpenAIFile', uploaded);
    validate('ListFilesResponse', await (await ctx.api('/openai/v1/files')).json());
    validate('OpenAIFile', await (await ctx.api(`/openai/v1/files/${String(uploaded.id)}`)).json());
    validate('DeleteFileResponse', await (await ctx.api(`/openai/v1/files/${String(uploaded.id)}`, { method: 'DELETE' })).json());
  });

  it('errors', async () => {
    const bad = await create({ model: 'gpt-4.1', input: 'x', temperature: 5 });
    expect(bad.status).toBe(400);
    validate('ErrorResponse', bad.json);
    const missing = await ctx.api('/openai/v1/responses/resp_nope');
    expect(missing.status).toBe(404);
    validate('ErrorResponse', await missing.json());
  });

  it('nothing fails validation, and docs/emulator.md lists exactly the spec patches applied', () => {
    expect([...failures].map(([schema, error]) => `${schema}: ${error}`)).toEqual([]);
    const listed = knownDifferences()
      .filter((row) => row.kind === 'spec')
      .map((row) => row.subject)
      .sort();
    expect(listed).toEqual(Object.keys(SPEC_PATCHES).sort());
  });
});
