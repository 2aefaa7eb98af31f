// Validation and normalisation of a create request, with the service's error messages.
import { invalidRequest } from './http.ts';
import { newId } from './ids.ts';
import type { StoredItem } from './types.ts';

/** The create body as the emulator reads it (the wire JSON; unknown fields are ignored). */
export interface CreateRequest {
  model?: unknown;
  input?: unknown;
  instructions?: unknown;
  previous_response_id?: unknown;
  store?: unknown;
  background?: unknown;
  stream?: unknown;
  stream_options?: { include_obfuscation?: boolean } | null;
  temperature?: unknown;
  top_p?: unknown;
  max_output_tokens?: unknown;
  max_tool_calls?: unknown;
  metadata?: unknown;
  reasoning?: { effort?: string | null; summary?: string | null; context?: string | null; mode?: string | null } | null;
  frequency_penalty?: unknown;
  presence_penalty?: unknown;
  include?: unknown;
  text?: unknown;
  tools?: unknown;
  tool_choice?: unknown;
  parallel_tool_calls?: unknown;
  truncation?: unknown;
  user?: unknown;
  prompt_cache_key?: unknown;
  safety_identifier?: unknown;
  service_tier?: unknown;
  top_logprobs?: unknown;
  [key: string]: unknown;
}

export function parseCreateBody(raw: Buffer): CreateRequest {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw invalidRequest(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest("Invalid type for request body: expected an object.", null, 'invalid_type');
  }
  return body as CreateRequest;
}

/** Checks that need no stored state. */
export function validateCreate(body: CreateRequest): void {
  if (body.model === undefined || body.model === null || body.model === '') {
    throw invalidRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  }
  if (typeof body.model !== 'string') throw typeError('model', 'a string', body.model);
  if (body.input === undefined && body.previous_response_id === undefined) {
    throw invalidRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  }
  if (body.input !== undefined && typeof body.input !== 'string' && !Array.isArray(body.input)) {
    throw typeError('input', 'a string or an array', body.input);
  }
  if (body.background === true && body.store === false) {
    throw invalidRequest('Background mode requires store=true.', 'store', 'invalid_value');
  }
  range('temperature', body.temperature, 0, 2, false);
  range('top_p', body.top_p, 0, 1, false);
  range('frequency_penalty', body.frequency_penalty, -2, 2, false);
  range('presence_penalty', body.presence_penalty, -2, 2, false);
  range('top_logprobs', body.top_logprobs, 0, 20, true);
  if (body.max_output_tokens !== undefined && body.max_output_tokens !== null) {
    if (!Number.isInteger(body.max_output_tokens)) throw typeError('max_output_tokens', 'an integer', body.max_output_tokens);
    if ((body.max_output_tokens as number) < 16) {
      throw invalidRequest(
        `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${String(body.max_output_tokens)} instead.`,
        'max_output_tokens',
        'integer_below_min_value',
      );
    }
  }
  validateMetadata(body.metadata);
  if (body.reasoning !== undefined && body.reasoning !== null) {
    const { effort, summary } = body.reasoning;
    if (effort != null && !['none', 'minimal', 'low', 'medium', 'high', 'xhigh'].includes(effort)) {
      throw invalidRequest(`Invalid value: '${effort}'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high', and 'xhigh'.`, 'reasoning.effort', 'invalid_value');
    }
    if (summary != null && !['auto', 'concise', 'detailed'].includes(summary)) {
      throw invalidRequest(`Invalid value: '${summary}'. Supported values are: 'auto', 'concise', and 'detailed'.`, 'reasoning.summary', 'invalid_value');
    }
  }
  if (body.include !== undefined && !Array.isArray(body.include)) throw typeError('include', 'an array', body.include);
  if (body.tools !== undefined && !Array.isArray(body.tools)) throw typeError('tools', 'an array', body.tools);
}

function range(param: string, value: unknown, min: number, max: number, integer: boolean): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || (integer && !Number.isInteger(value))) throw typeError(param, integer ? 'an integer' : 'a number', value);
  if (value < min) {
    throw invalidRequest(`Invalid '${param}': ${integer ? 'integer' : 'decimal'} below minimum value. Expected a value >= ${min}, but got ${value} instead.`, param, `${integer ? 'integer' : 'decimal'}_below_min_value`);
  }
  if (value > max) {
    throw invalidRequest(`Invalid '${param}': ${integer ? 'integer' : 'decimal'} above maximum value. Expected a value <= ${max}, but got ${value} instead.`, param, `${integer ? 'integer' : 'decimal'}_above_max_value`);
  }
}

function typeError(param: string, expected: string, value: unknown): Error {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  return invalidRequest(`Invalid type for '${param}': expected ${expected}, but got ${got} instead.`, param, 'invalid_type');
}

export function validateMetadata(metadata: unknown): void {
  if (metadata === undefined || metadata === null) return;
  if (typeof metadata !== 'object' || Array.isArray(metadata)) throw typeError('metadata', 'an object', metadata);
  const entries = Object.entries(metadata);
  if (entries.length > 16) throw invalidRequest(`Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with ${entries.length} properties instead.`, 'metadata', 'object_above_max_properties');
  for (const [key, value] of entries) {
    if (key.length > 64) throw invalidRequest(`Invalid 'metadata': string too long. Expected a string with maximum length 64, but got a string with length ${key.length} instead.`, 'metadata', 'string_above_max_length');
    if (typeof value !== 'string') throw typeError(`metadata.${key}`, 'a string', value);
    if (value.length > 512) throw invalidRequest(`Invalid 'metadata.${key}': string too long. Expected a string with maximum length 512, but got a string with length ${value.length} instead.`, `metadata.${key}`, 'string_above_max_length');
  }
}

/** The request's input as stored items, each with an id (ItemResource shape). */
export function toInputItems(input: unknown): StoredItem[] {
  if (input === undefined) return [];
  if (typeof input === 'string') return [message('user', [{ type: 'input_text', text: input }])];
  return (input as unknown[]).map((entry, index) => {
    if (typeof entry !== 'object' || entry === null) throw typeError(`input[${index}]`, 'an object', entry);
    const item = entry as Record<string, unknown>;
    const type = (item.type as string | undefined) ?? (item.role !== undefined ? 'message' : undefined);
    if (type === undefined) throw invalidRequest(`Missing required parameter: 'input[${index}].type'.`, `input[${index}].type`, 'missing_required_parameter');
    if (type === 'message') {
      const role = item.role as string;
      if (!['user', 'assistant', 'system', 'developer'].includes(role)) {
        throw invalidRequest(`Invalid value: '${String(role)}'. Supported values are: 'assistant', 'system', 'developer', and 'user'.`, `input[${index}].role`, 'invalid_value');
      }
      const content = typeof item.content === 'string' ? [{ type: role === 'assistant' ? 'output_text' : 'input_text', text: item.content }] : item.content;
      if (!Array.isArray(content)) throw typeError(`input[${index}].content`, 'a string or an array', item.content);
      const stored = message(role, (content as Record<string, unknown>[]).map(withOutputTextDefaults));
      if (typeof item.phase === 'string') stored.phase = item.phase;
      if (typeof item.id === 'string') stored.id = item.id;
      return stored;
    }
    if (type === 'item_reference' && typeof item.id !== 'string') {
      throw invalidRequest(`Missing required parameter: 'input[${index}].id'.`, `input[${index}].id`, 'missing_required_parameter');
    }
    const stored = { ...item, type, id: typeof item.id === 'string' ? item.id : newId(idPrefixFor(type)) } as StoredItem;
    // Items read back through input_items carry a status, as the service's ItemResource shapes do.
    if (STATUS_ITEMS.has(type) && stored.status === undefined) stored.status = 'completed';
    return stored;
  });
}

/** Item types whose stored (ItemResource) form has a status. */
const STATUS_ITEMS = new Set(['function_call', 'function_call_output', 'computer_call_output', 'local_shell_call_output']);

/** An assistant's output_text sent back as input is stored whole: annotations and logprobs lists. */
function withOutputTextDefaults(part: Record<string, unknown>): Record<string, unknown> {
  if (part.type !== 'output_text') return part;
  return { type: 'output_text', annotations: [], logprobs: [], ...part };
}

function message(role: string, content: Record<string, unknown>[]): StoredItem {
  return { id: newId('msg'), type: 'message', role, status: 'completed', content };
}

function idPrefixFor(type: string): string {
  if (type === 'function_call_output') return 'fco';
  if (type === 'mcp_approval_response') return 'mcpr';
  if (type === 'reasoning') return 'rs';
  return 'item';
}

/** The plain text of a stored message (its text parts joined), or undefined for other items. */
export function messageText(item: StoredItem): string | undefined {
  if (item.type !== 'message') return undefined;
  const content = item.content as Array<{ type?: string; text?: unknown }>;
  return content
    .filter((part) => typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('');
}

/** Characters of text in the items (for usage accounting). */
export function textLength(items: readonly StoredItem[]): number {
  let total = 0;
  for (const item of items) {
    const text = messageText(item);
    if (text !== undefined) total += text.length;
    else total += JSON.stringify(item).length;
  }
  return total;
}
