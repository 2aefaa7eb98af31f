// Every recorded real stream in test/fixtures/sse, compared with the emulator's answer to the
// same kind of request (same model, tools, reasoning settings and background flag, taken from the
// recording's response.created; a prompt that makes the emulated model do what the recorded one
// did). Two comparisons:
//   - the event sequence: event types (output_item events qualified by the item type), with
//     consecutive deltas collapsed and repeated runs collapsed (four reasoning summary parts or
//     three code runs have the shape of one);
//   - field presence: every field the recording carries on an event, its `response`, `item` or
//     `part`, the emulator carries too; and the emulator carries no field that no recording has.
// Differences are allowed only where docs/emulator.md ("Known differences", kind `recording`)
// lists them, and every listed difference must still occur.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadRecordings, SSE_DIR, type Recording } from '../helpers/recordings.ts';
import { knownDifferences } from './conformance/known-differences.ts';
import { IMAGE_HEADERS } from './conformance/scenarios.ts';
import { parseSse, useTestEmulator } from './helpers.ts';

const ctx = useTestEmulator();
type Json = Record<string, unknown>;
type Events = Array<Json & { type: string }>;

/** What to ask the emulator for, per recording (beyond what response.created tells). */
interface Kind {
  prompt: string;
  headers?: Record<string, string>;
  /** Tool fields to change, e.g. a small image size. */
  tool?: Json;
  /** The recorded stream answers an earlier turn's function call. */
  followUp?: { toolChoice?: string };
  /** The recorded stream is a background resume (GET ?stream=true&starting_after=0). */
  resume?: boolean;
}

const KINDS: Record<string, Kind> = {
  'vercel-ai/azure-code-interpreter-tool.1.chunks.txt#1': { prompt: 'calculate 6 * 7 in python' },
  'vercel-ai/azure-image-generation-tool.1.chunks.txt#1': { prompt: 'draw a raccoon', headers: IMAGE_HEADERS, tool: { size: '64x64', partial_images: 1 } },
  'vercel-ai/azure-reasoning-encrypted-content.1.chunks.txt#1': { prompt: 'use the calculator: a: 12, b: 7' },
  'vercel-ai/azure-reasoning-encrypted-content.1.chunks.txt#2': { prompt: 'use the calculator: a: 12, b: 7', followUp: { toolChoice: 'required' } },
  'vercel-ai/azure-reasoning-encrypted-content.1.chunks.txt#3': { prompt: 'use the calculator: a: 12, b: 7', followUp: { toolChoice: 'required' } },
  'vercel-ai/azure-reasoning-encrypted-content.1.chunks.txt#4': { prompt: 'use the calculator: a: 12, b: 7', followUp: {} },
  'vercel-ai/azure-text.1.chunks.txt#1': { prompt: 'Hello' },
  'vercel-ai/azure-tool-call.1.chunks.txt#1': { prompt: 'weather in San Francisco' },
  'vercel-ai/openai-error.1.chunks.txt#1': { prompt: 'Hello', headers: { 'x-emulator-fault': 'error-event-after=2' } },
  'vercel-ai/openai-image-generation-tool.1.chunks.txt#1': { prompt: 'draw an echidna', headers: IMAGE_HEADERS, tool: { size: '64x64', partial_images: 1 } },
  'vercel-ai/openai-mcp-tool-approval.1.chunks.txt#1': { prompt: 'echo hello' },
  'vercel-ai/openai-mcp-tool.1.chunks.txt#1': { prompt: 'echo hello' },
  'pydantic-ai/test_background_mode_streaming_starting_after_vcr.yaml#1': { prompt: 'Hello' },
  'pydantic-ai/test_background_mode_streaming_starting_after_vcr.yaml#2': { prompt: 'Hello', resume: true },
  'pydantic-ai/test_openai_responses_model_mcp_server_tool_stream.yaml#1': { prompt: 'echo hello', tool: { allowed_tools: null } },
  'pydantic-ai/test_openai_responses_stream.yaml#1': { prompt: 'the capital of France' },
  'pydantic-ai/test_openai_responses_stream.yaml#2': { prompt: 'the capital of France', followUp: {} },
  'pydantic-ai/test_openai_responses_streaming_usage.yaml#1': { prompt: 'Calculate 100 * 200 / 3' },
  'pydantic-ai/test_openai_responses_thinking_part_iter.yaml#1': { prompt: 'How do I cross the street?' },
  'pydantic-ai/test_openai_responses_thinking_with_code_execution_tool_stream.yaml#1': { prompt: 'calculate 3 * 12390 in python' },
};

/** The create body for the same kind of request as the recording. */
function requestFor(recording: Recording, kind: Kind): Json {
  const created = recording.events.find((e) => e.response !== undefined)!.response as Json;
  const reasoning = created.reasoning as Json | null;
  const tools = ((created.tools as Json[]) ?? []).map((tool) => ({ ...tool, ...(tool.type === 'image_generation' || tool.type === 'mcp' ? kind.tool : {}) }));
  const body: Json = { model: created.model, input: kind.prompt, tools, tool_choice: created.tool_choice, stream: true, background: created.background === true };
  // The Response does not echo `include`; encrypted reasoning in the recording shows it was asked for.
  if (recording.events.some((e) => (e.item as Json | undefined)?.encrypted_content !== undefined)) body.include = ['reasoning.encrypted_content'];
  if (reasoning?.effort != null || reasoning?.summary != null) body.reasoning = { effort: reasoning.effort ?? undefined, summary: reasoning.summary ?? undefined };
  return body;
}

async function streamed(body: Json, headers: Record<string, string> = {}): Promise<Events> {
  const res = await ctx.api('/openai/v1/responses', { json: body, headers });
  expect(res.status).toBe(200);
  return parseSse(await res.text()).map((e) => e.data as Json & { type: string });
}

async function emulatorAnswer(recording: Recording, kind: Kind): Promise<Events> {
  const body = requestFor(recording, kind);
  if (kind.resume) {
    const first = await streamed(body, kind.headers);
    const id = String((first[0]!.response as Json).id);
    return parseSse(await (await ctx.api(`/openai/v1/responses/${id}?stream=true&starting_after=0`)).text()).map((e) => e.data as Json & { type: string });
  }
  if (kind.followUp) {
    const res = await ctx.api('/openai/v1/responses', { json: { ...body, stream: false }, headers: kind.headers });
    const previous = (await res.json()) as Json;
    const call = (previous.output as Json[]).find((item) => item.type === 'function_call')!;
    const followUp: Json = { ...body, previous_response_id: previous.id, input: [{ type: 'function_call_output', call_id: call.call_id, output: '19' }] };
    if (kind.followUp.toolChoice) followUp.tool_choice = kind.followUp.toolChoice;
    return streamed(followUp, kind.headers);
  }
  return streamed(body, kind.headers);
}

function eventName(event: Json): string {
  const type = String(event.type).replace(/^response\./, '');
  const item = event.item as Json | undefined;
  return item ? `${type}(${String(item.type)})` : type;
}

/** Event names with consecutive duplicates and then repeated runs (of up to 12 events) collapsed. */
export function shape(events: Events): string[] {
  let names = events.map(eventName).filter((name, i, all) => name !== all[i - 1]);
  for (let changed = true; changed; ) {
    changed = false;
    for (let length = 1; length <= 12 && !changed; length++) {
      for (let start = 0; start + 2 * length <= names.length; start++) {
        const a = names.slice(start, start + length).join('\n');
        const b = names.slice(start + length, start + 2 * length).join('\n');
        if (a === b) {
          names = [...names.slice(0, start + length), ...names.slice(start + 2 * length)];
          changed = true;
          break;
        }
      }
    }
  }
  return names;
}

/**
 * `event-name key` for every field of the event, its item and its part, and `response key` for
 * the Response's fields (the same object at every lifecycle event, so one group).
 */
function fields(events: Events): Set<string> {
  const out = new Set<string>();
  for (const event of events) {
    const name = eventName(event);
    for (const key of Object.keys(event)) out.add(`${name} ${key}`);
    for (const key of Object.keys((event.response as Json | undefined) ?? {})) out.add(`response ${key}`);
    for (const nested of ['item', 'part']) {
      const value = event[nested];
      if (value && typeof value === 'object' && !Array.isArray(value)) for (const key of Object.keys(value)) out.add(`${name} ${nested}.${key}`);
    }
  }
  return out;
}

/** The non-streamed Azure recording (gpt-5.5): its Response, as a `completed` event for fields(). */
function azureJsonRecording(): { request: Json; events: Events } {
  const cassette = parse(readFileSync(join(SSE_DIR, 'pydantic-ai', 'test_azure_responses_reasoning_context_default_wire_contract[gpt-5.5].yaml'), 'utf8')) as {
    interactions: Array<{ request: { parsed_body: Json }; response: { parsed_body: Json } }>;
  };
  const [interaction] = cassette.interactions;
  return { request: interaction!.request.parsed_body, events: [{ type: 'response.completed', response: interaction!.response.parsed_body }] };
}

const recordings = loadRecordings();

describe('the recorded streams against the emulator', () => {
  it('every recorded stream has a request kind here', () => {
    expect(recordings.map((r) => r.name).filter((name) => !(name in KINDS))).toEqual([]);
    expect(recordings.length).toBe(Object.keys(KINDS).length);
  });

  it('event sequences and field presence match, except the listed known differences', async () => {
    const found = new Map<string, string>();
    const recordedFields = new Set<string>();
    const emulatorFields = new Set<string>();
    const json = azureJsonRecording();
    const jsonAnswer = (await (await ctx.api('/openai/v1/responses', { json: json.request })).json()) as Json;
    const pairs: Array<{ recording: Recording; ours: Events; compareSequence: boolean }> = [
      { recording: { name: 'pydantic-ai/test_azure_responses_reasoning_context_default_wire_contract[gpt-5.5].yaml', events: json.events as Recording['events'] }, ours: [{ type: 'response.completed', response: jsonAnswer }], compareSequence: false },
    ];
    for (const recording of recordings) pairs.push({ recording, ours: await emulatorAnswer(recording, KINDS[recording.name]!), compareSequence: true });
    for (const { recording, ours, compareSequence } of pairs) {
      const file = recording.name.replace(/^[^/]+\//, '');
      const [want, got] = [shape(recording.events), shape(ours)];
      if (compareSequence && want.join(' ') !== got.join(' ')) found.set(`sequence ${file}`, `recorded: ${want.join(' ')}\nemulator: ${got.join(' ')}`);
      const theirs = fields(recording.events);
      const mine = fields(ours);
      for (const field of theirs) recordedFields.add(field);
      for (const field of mine) emulatorFields.add(field);
      // A field the service sent on an event the emulator also sent, that the emulator left out.
      const names = new Set([...ours.map(eventName), 'response']);
      for (const field of theirs) if (names.has(field.split(' ')[0]!) && !mine.has(field)) found.set(`missing ${field}`, file);
    }
    // A field no recording has on that event (checked only for events some recording has).
    const recordedNames = new Set([...recordedFields].map((field) => field.split(' ')[0]));
    for (const field of emulatorFields) if (recordedNames.has(field.split(' ')[0]) && !recordedFields.has(field)) found.set(`extra ${field}`, 'no recording has it');

    const listed = knownDifferences()
      .filter((row) => row.kind === 'recording')
      .map((row) => row.subject);
    const unlisted = [...found].filter(([subject]) => !listed.includes(subject)).map(([subject, detail]) => `${subject}: ${detail}`);
    expect(unlisted).toEqual([]);
    expect(listed.filter((subject) => !found.has(subject))).toEqual([]);
  });
});
