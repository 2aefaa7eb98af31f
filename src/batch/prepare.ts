// Batch input in any of the three shapes people have, turned into request lines:
//   requests  {"custom_id", "method": "POST", "url": "/v1/responses", "body": {...}}  (as Global Batch takes)
//   prompts   {"custom_id"?, "input": "text" | [items], ...request fields}            (one JSON per line)
//   text      any line of plain text is one prompt
// Prompts and text get their model, instructions, tools… from the ordinary create flags.
import { CliError, UsageError } from '../core/errors.ts';
import type { Factory } from '../core/factory.ts';
import { requestTemplate, type RequestInput, type RequestTemplate } from '../responses/request.ts';
import type { IO } from '../io/io.ts';
import { readFileLines, type BatchInput } from './input.ts';
import { BATCH_METHOD, BATCH_URL, BatchValidator, isRecord, type BatchRequestLine, type NumberedRequest } from './validate.ts';

export const INPUT_FORMATS = ['auto', 'requests', 'prompts', 'text'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];
export type ResolvedFormat = Exclude<InputFormat, 'auto'>;

/** How one batch request is made from a line of input. */
export interface BatchRequestOptions extends Omit<RequestInput, 'input'> {
  format: InputFormat;
  /** The request flags given (--instructions, -m…), as typed: they do not apply to request lines. */
  requestFlagsGiven: string[];
}

/** Fields that make a JSON line a request line rather than a prompt. */
const REQUEST_FIELDS = ['body', 'url', 'method'];

/**
 * What the first non-blank line looks like: a request line, a prompt object, or text. The whole
 * file is then read in that format (a later line in another shape is reported, not guessed at).
 */
export function detectFormat(firstLine: string): ResolvedFormat {
  const trimmed = firstLine.trim();
  if (!trimmed.startsWith('{')) return 'text';
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    // `{` opening a line that is not JSON: a broken request file, most likely; say so per line.
    return 'requests';
  }
  if (!isRecord(value)) return 'text';
  if (REQUEST_FIELDS.some((field) => field in value)) return 'requests';
  if ('input' in value) return 'prompts';
  return 'requests';
}

/** The custom_id of a prompt that has none: its line number, stable across runs (resume relies on it). */
export function lineCustomId(line: number): string {
  return `line-${line}`;
}

/** Turns one non-blank input line into a request line (recording problems in the validator). */
export type LineConverter = (line: number, text: string, validator: BatchValidator) => BatchRequestLine | undefined;

export function lineConverter(format: ResolvedFormat, template: RequestTemplate | undefined): LineConverter {
  if (format === 'requests') return (line, text, validator) => validator.checkLine(line, text);
  if (!template) throw new Error('internal: prompts need a request template');
  const build = (line: number, validator: BatchValidator, customId: unknown, input: string | unknown[], fields?: Record<string, unknown>) => {
    let body: Record<string, unknown>;
    try {
      body = template(input, fields);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      validator.report(line, error.message);
      return undefined;
    }
    return validator.checkRequest(line, { custom_id: customId, method: BATCH_METHOD, url: BATCH_URL, body });
  };
  if (format === 'text') return (line, text, validator) => build(line, validator, lineCustomId(line), text);
  return (line, text, validator) => {
    const parsed = validator.parseJson(line, text);
    if (!parsed) return undefined;
    const value = parsed.value;
    if (!isRecord(value)) {
      validator.report(line, 'not a JSON object (expected {"custom_id": "…", "input": "…"})');
      return undefined;
    }
    const { custom_id: customId = lineCustomId(line), input, ...fields } = value;
    if (typeof input !== 'string' && !Array.isArray(input)) {
      validator.report(line, input === undefined ? 'missing input (a prompt string or an array of input items)' : 'input must be a string or an array of input items');
      return undefined;
    }
    return build(line, validator, customId, input, Object.keys(fields).length ? fields : undefined);
  };
}

/** The format of an input: as given, or detected from its first non-blank line. */
export async function resolveFormat(input: BatchInput, format: InputFormat): Promise<ResolvedFormat> {
  if (format !== 'auto') return format;
  for await (const line of readFileLines(input.path)) {
    if (line.text === undefined) return 'requests';
    if (line.text.trim() !== '') return detectFormat(line.text);
  }
  return 'requests';
}

/** How each line of this input becomes a request: its format, and the flags' template for prompts. */
export async function requestConverter(f: Factory, input: BatchInput, options: BatchRequestOptions): Promise<LineConverter> {
  const format = await resolveFormat(input, options.format);
  if (format === 'requests') {
    if (options.requestFlagsGiven.length) {
      throw new UsageError(
        `${input.name} holds request lines, which carry their own model and settings: ${options.requestFlagsGiven.join(', ')} would be ignored`,
        'drop those flags, or give prompts (a line of text each, or {"custom_id", "input"} JSON lines; see: aoai batch prepare --help)',
      );
    }
    return lineConverter(format, undefined);
  }
  return lineConverter(format, await requestTemplate(f, options));
}

/**
 * Every request of the input, in order. Blank lines are skipped; a line that is not valid is
 * recorded in the validator and skipped. Run it through once with a fresh validator to check the
 * whole input before anything is sent.
 */
export async function* requestLines(input: BatchInput, convert: LineConverter, validator: BatchValidator): AsyncGenerator<NumberedRequest> {
  for await (const line of readFileLines(input.path)) {
    if (line.text === undefined) {
      validator.report(line.number, line.problem ?? 'unreadable');
      continue;
    }
    if (line.text.trim() === '') continue;
    const request = convert(line.number, line.text, validator);
    if (request) yield { line: line.number, request };
  }
}

/**
 * Read the whole input once and fail (exit 2, each problem on its own line) if any line is not a
 * valid request; returns the validator (its request count and model).
 */
export async function checkInput(io: IO, input: BatchInput, convert: LineConverter, options: { sameModel?: boolean } = {}): Promise<BatchValidator> {
  const validator = new BatchValidator(options);
  for await (const request of requestLines(input, convert, validator)) void request;
  validator.throwIfProblems(io, input.name);
  return validator;
}

/** The request line as written to a file: the four fields, in the documented order. */
export function requestLineJson(request: BatchRequestLine): string {
  return JSON.stringify({ custom_id: request.custom_id, method: request.method, url: request.url, body: request.body });
}
