// One line of the local log (docs/log.md): what a command that created or continued a response
// did, in a form that outlives the service's copy. Pure: building, trimming and checking records.
// Never a key, token or header (only the fields below exist), never image data (saved paths only).
import type { LogMode } from '../core/config-keys.ts';
import { redactSecrets } from '../core/redact.ts';

/** Prompt and output are each kept up to this many bytes of UTF-8 (the start of the text). */
export const MAX_TEXT_BYTES = 8 * 1024;

export interface LogUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  reasoning_tokens?: number;
  cached_tokens?: number;
}

export interface LogRecord {
  /** Format version of the line. */
  v: 1;
  /** When the command ended (ISO 8601, UTC). */
  time: string;
  /** The command that wrote it: create, stream, chat, image, mcp approve, batch run. */
  command: string;
  profile: string;
  /** The endpoint's host (no path, no query, never a credential). */
  endpoint: string | null;
  deployment: string | null;
  /** The (last) response the command created; null when the request failed before one existed. */
  id: string | null;
  /** The response's status, or 'error' when the request failed without one. */
  status: string;
  /** The response this command continued from (the first request's previous_response_id). */
  previous_response_id: string | null;
  /** false for --no-store: such a response cannot be fetched or continued later. */
  stored: boolean;
  /** Tokens of every response the command created (a tool loop makes several). */
  usage: LogUsage | null;
  exit: number;
  /** full mode only: */
  prompt?: string;
  output?: string;
  /** Files the command saved (image paths), never their content. */
  files?: string[];
  /** The error line, when the command failed. */
  error?: string;
  /** Which of prompt/output were cut to MAX_TEXT_BYTES. */
  truncated?: Array<'prompt' | 'output'>;
  /** batch run: how many requests the run made (one record per run). */
  requests?: number;
}

/** The record as the mode keeps it, secrets scrubbed, long text cut: ready to be one line. */
export function recordForMode(record: LogRecord, mode: Exclude<LogMode, 'off'>): LogRecord {
  const kept: LogRecord = { ...record };
  if (mode === 'ids-only') {
    delete kept.prompt;
    delete kept.output;
    delete kept.files;
    delete kept.error;
    delete kept.truncated;
    return kept;
  }
  const truncated: Array<'prompt' | 'output'> = [];
  for (const field of ['prompt', 'output'] as const) {
    const text = kept[field];
    if (text === undefined) continue;
    const redacted = redactSecrets(text);
    const cut = startOfText(redacted, MAX_TEXT_BYTES);
    if (cut.length < redacted.length) truncated.push(field);
    kept[field] = cut;
  }
  if (kept.error !== undefined) kept.error = startOfText(redactSecrets(kept.error), 1024);
  if (truncated.length) kept.truncated = truncated;
  else delete kept.truncated;
  return kept;
}

/** The longest start of `text` that fits in `maxBytes` of UTF-8, never half a character. */
export function startOfText(text: string, maxBytes: number): string {
  // Up to maxBytes/3 UTF-16 units always fit (a unit is at most 3 bytes); most text is shorter.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return text;
  let cut = Buffer.from(text).subarray(0, maxBytes).toString('utf8');
  // A character cut in half decodes to U+FFFD: drop it rather than keep a character never typed.
  while (cut.endsWith('\uFFFD') && !text.startsWith(cut)) cut = cut.slice(0, -1);
  return cut;
}

/** A line read back from the file, if it is a record (torn or foreign lines are skipped). */
export function parseRecord(line: string): LogRecord | undefined {
  if (!line.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Partial<LogRecord>;
  if (record.v !== 1 || typeof record.time !== 'string' || typeof record.profile !== 'string' || typeof record.status !== 'string') return undefined;
  return record as LogRecord;
}

/** Sum of token usage; absent counts are left out rather than shown as 0. */
export function addUsage(a: LogUsage | null, b: LogUsage | null): LogUsage | null {
  if (!a) return b;
  if (!b) return a;
  const sum: LogUsage = { input_tokens: a.input_tokens + b.input_tokens, output_tokens: a.output_tokens + b.output_tokens, total_tokens: a.total_tokens + b.total_tokens };
  if (a.reasoning_tokens !== undefined || b.reasoning_tokens !== undefined) sum.reasoning_tokens = (a.reasoning_tokens ?? 0) + (b.reasoning_tokens ?? 0);
  if (a.cached_tokens !== undefined || b.cached_tokens !== undefined) sum.cached_tokens = (a.cached_tokens ?? 0) + (b.cached_tokens ?? 0);
  return sum;
}

interface ServiceUsage {
  input_tokens?: unknown;
  output_tokens?: unknown;
  total_tokens?: unknown;
  input_tokens_details?: { cached_tokens?: unknown } | null;
  output_tokens_details?: { reasoning_tokens?: unknown } | null;
}

/** The service's usage object as the log keeps it (numbers only: whatever else came is dropped). */
export function usageOf(usage: ServiceUsage | null | undefined): LogUsage | null {
  if (!usage || typeof usage !== 'object') return null;
  const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined);
  const input = count(usage.input_tokens) ?? 0;
  const output = count(usage.output_tokens) ?? 0;
  const result: LogUsage = { input_tokens: input, output_tokens: output, total_tokens: count(usage.total_tokens) ?? input + output };
  const reasoning = count(usage.output_tokens_details?.reasoning_tokens);
  const cached = count(usage.input_tokens_details?.cached_tokens);
  if (reasoning) result.reasoning_tokens = reasoning;
  if (cached) result.cached_tokens = cached;
  return result;
}
