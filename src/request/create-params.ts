// Flags → a Responses API create request. Pure: no IO, so it is unit-tested directly.
import { configSetCommand, notInherited } from '../cli/follow-up.ts';
import { DEFAULT_PROFILE } from '../core/config-store.ts';
import type { ResponseCreateParamsBase, ResponseIncludable, ResponseInputContent, ResponseInputItem } from 'openai/resources/responses/responses';
import type { ReasoningEffort } from 'openai/resources/shared';
import { UsageError } from '../core/errors.ts';
import type { RichFlags } from './rich.ts';

export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const satisfies readonly ReasoningEffort[];
export const REASONING_SUMMARIES = ['auto', 'concise', 'detailed'] as const;
export const INCLUDABLES = [
  'file_search_call.results',
  'web_search_call.results',
  'web_search_call.action.sources',
  'message.input_image.image_url',
  'computer_call_output.output.image_url',
  'code_interpreter_call.outputs',
  'reasoning.encrypted_content',
  'message.output_text.logprobs',
] as const satisfies readonly ResponseIncludable[];

/** The model and input flags that create, stream, image, chat and mcp approve share. */
export interface RequestFlags {
  model?: string | undefined;
  instructions?: string | undefined;
  previous?: string | undefined;
  maxOutputTokens?: number | undefined;
  temperature?: number | undefined;
  topP?: number | undefined;
  reasoningEffort?: (typeof REASONING_EFFORTS)[number] | undefined;
  reasoningSummary?: (typeof REASONING_SUMMARIES)[number] | undefined;
  store?: boolean | undefined;
  background?: boolean | undefined;
  metadata?: string[] | undefined;
  include?: string[] | undefined;
  /** Attachments, tools, tool outputs, --schema, --conversation (see request/rich.ts). */
  rich?: RichFlags | undefined;
}

export type CreateBody = ResponseCreateParamsBase & Record<string, unknown>;

export interface BuildInput {
  flags: RequestFlags;
  /** The deployment from env/profile when -m is not given. */
  defaultDeployment?: string | undefined;
  /** Input items from --input-items, then any extra items (images, files, tool outputs). */
  items: ResponseInputItem[];
  /** Text from arguments or stdin; undefined when there is none. */
  text: string | undefined;
  /** Parsed --body JSON, merged under the flags. */
  body?: Record<string, unknown> | undefined;
  /** --image/--file parts, added to the user message after its text. */
  attachments?: ResponseInputContent[] | undefined;
  /** Fields from the tool and schema flags, over --body (tools are added to --body's). */
  fields?: Record<string, unknown> | undefined;
  /** The profile in use, named in the hint when no deployment is set. */
  profile?: string | undefined;
}

export function buildCreateBody({ flags, defaultDeployment, profile = DEFAULT_PROFILE, items, text, body, attachments, fields }: BuildInput): CreateBody {
  const base: Record<string, unknown> = structuredClone(body ?? {});
  const model = flags.model ?? (typeof base.model === 'string' ? base.model : undefined) ?? defaultDeployment;
  if (!model) {
    throw new UsageError(
      'no deployment: pass -m/--model DEPLOYMENT',
      `or set AZURE_OPENAI_DEPLOYMENT, or run: ${configSetCommand(profile, 'deployment', 'NAME')}${notInherited(profile)}`,
    );
  }

  const request: Record<string, unknown> = { model };
  const input = buildInput(items, text, base.input, attachments ?? []);
  if (input === undefined && !flags.previous && base.previous_response_id === undefined) {
    throw new UsageError(
      'no input: give the prompt as arguments, pipe it on stdin, or pass --input-items FILE',
    );
  }
  if (input !== undefined) request.input = input;
  if (flags.instructions !== undefined) request.instructions = flags.instructions;
  if (flags.previous !== undefined) request.previous_response_id = flags.previous;
  if (flags.maxOutputTokens !== undefined) request.max_output_tokens = flags.maxOutputTokens;
  if (flags.temperature !== undefined) request.temperature = flags.temperature;
  if (flags.topP !== undefined) request.top_p = flags.topP;
  if (flags.reasoningEffort !== undefined || flags.reasoningSummary !== undefined) {
    const reasoning: Record<string, unknown> = {};
    if (flags.reasoningEffort !== undefined) reasoning.effort = flags.reasoningEffort;
    if (flags.reasoningSummary !== undefined) reasoning.summary = flags.reasoningSummary;
    request.reasoning = reasoning;
  }
  if (flags.store !== undefined) request.store = flags.store;
  if (flags.background) request.background = true;
  if (flags.metadata?.length) request.metadata = parseMetadata(flags.metadata);
  if (flags.include?.length) request.include = validateIncludes(flags.include);
  for (const [key, value] of Object.entries(fields ?? {})) {
    request[key] = key === 'tools' && Array.isArray(base.tools) ? [...(base.tools as unknown[]), ...(value as unknown[])] : value;
  }

  const merged = deepMerge(base, request);
  // The input assembled above already contains --body's input; don't merge arrays twice.
  if (input !== undefined) merged.input = input;
  if (merged.background === true && merged.store === false) {
    throw new UsageError('--background needs stored responses: drop --no-store (background mode requires store=true)');
  }
  return merged as CreateBody;
}

function buildInput(items: ResponseInputItem[], text: string | undefined, bodyInput: unknown, attachments: ResponseInputContent[]): string | ResponseInputItem[] | undefined {
  const bodyItems: ResponseInputItem[] =
    bodyInput === undefined ? [] : typeof bodyInput === 'string' ? [userMessage(bodyInput)] : Array.isArray(bodyInput) ? (bodyInput as ResponseInputItem[]) : [];
  const all = [...bodyItems, ...items];
  if (attachments.length) {
    const content: ResponseInputContent[] = text !== undefined ? [{ type: 'input_text', text }, ...attachments] : [...attachments];
    all.push({ role: 'user', content });
    return all;
  }
  if (all.length === 0) return text;
  if (text !== undefined) all.push(userMessage(text));
  return all;
}

export function userMessage(text: string): ResponseInputItem {
  return { role: 'user', content: text };
}

export function parseMetadata(pairs: string[]): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid --metadata '${pair}': expected key=value`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (key.length > 64) throw new UsageError(`invalid --metadata key '${key.slice(0, 20)}…': at most 64 characters`);
    if (value.length > 512) throw new UsageError(`invalid --metadata value for '${key}': at most 512 characters`);
    metadata[key] = value;
  }
  if (Object.keys(metadata).length > 16) throw new UsageError('too many --metadata pairs: the service accepts at most 16');
  return metadata;
}

export function validateIncludes(values: string[]): ResponseIncludable[] {
  for (const value of values) {
    if (!(INCLUDABLES as readonly string[]).includes(value)) {
      throw new UsageError(`invalid --include '${value}': expected one of ${INCLUDABLES.join(', ')}`);
    }
  }
  return [...new Set(values)] as ResponseIncludable[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; arrays and scalars from `over` replace those in `under`. */
export function deepMerge(under: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...under };
  for (const [key, value] of Object.entries(over)) {
    const existing = result[key];
    result[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  }
  return result;
}
