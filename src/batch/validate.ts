// The Global Batch request-line format, checked line by line before anything is sent. Both
// `aoai batch run` (online) and `aoai batch submit` (Global Batch) take the same file, so they share
// these checks; Global Batch adds "one deployment per file" (sameModel).
import { UsageError } from '../core/errors.ts';
import type { IO } from '../io/io.ts';
import { neutralise } from '../render/terminal-text.ts';

export const BATCH_METHOD = 'POST';
export const BATCH_URL = '/v1/responses';

/** One request of a batch file: `{custom_id, method, url, body}`. */
export interface BatchRequestLine {
  custom_id: string;
  method: typeof BATCH_METHOD;
  url: typeof BATCH_URL;
  body: Record<string, unknown> & { model: string };
}

/** A request line and where it came from. */
export interface NumberedRequest {
  line: number;
  request: BatchRequestLine;
}

export interface LineProblem {
  line: number;
  message: string;
}

/** Problems listed one per line before the summary; more are counted, not shown. */
export const MAX_LISTED_PROBLEMS = 20;

/** How much of a value from the file a message quotes. */
const QUOTE_CHARS = 60;

export interface ValidatorOptions {
  /** Global Batch: every body.model must be the same deployment. */
  sameModel?: boolean;
  /** Track custom_ids for duplicates (default true); off for a second pass over a checked input. */
  duplicates?: boolean;
  maxListed?: number;
}

/**
 * Checks request lines one at a time and remembers only what the checks need: the custom_ids seen
 * (for duplicates), the first model, and the first few problems.
 */
export class BatchValidator {
  readonly problems: LineProblem[] = [];
  problemCount = 0;
  requestCount = 0;
  /** The deployment of the first request (with sameModel, of every request). */
  model: string | undefined;
  private modelLine = 0;
  private readonly firstLineOf = new Map<string, number>();
  private readonly sameModel: boolean;
  private readonly duplicates: boolean;
  private readonly maxListed: number;

  constructor(options: ValidatorOptions = {}) {
    this.sameModel = options.sameModel ?? false;
    this.duplicates = options.duplicates ?? true;
    this.maxListed = options.maxListed ?? MAX_LISTED_PROBLEMS;
  }

  report(line: number, message: string): void {
    this.problemCount++;
    if (this.problems.length < this.maxListed) this.problems.push({ line, message });
  }

  /** Parse and check one line of a request file; undefined (and a recorded problem) when it is not valid. */
  checkLine(line: number, text: string): BatchRequestLine | undefined {
    const parsed = this.parseJson(line, text);
    return parsed && this.checkRequest(line, parsed.value);
  }

  /** The line's JSON value, or undefined (and a recorded problem) when it is not JSON. */
  parseJson(line: number, text: string): { value: unknown } | undefined {
    try {
      return { value: JSON.parse(text) };
    } catch (error) {
      this.report(line, `invalid JSON (${(error as Error).message})`);
      return undefined;
    }
  }

  /** Check a parsed request (also the ones `prepare` builds, for duplicate ids and the model). */
  checkRequest(line: number, value: unknown): BatchRequestLine | undefined {
    if (!isRecord(value)) {
      this.report(line, 'not a JSON object');
      return undefined;
    }
    const problems: string[] = [];
    const id = value.custom_id;
    if (typeof id !== 'string' || id === '') problems.push(id === undefined ? 'missing custom_id' : 'custom_id must be a non-empty string');
    if (value.method !== BATCH_METHOD) problems.push(value.method === undefined ? `missing method (expected "${BATCH_METHOD}")` : `method must be "${BATCH_METHOD}", not ${quote(value.method)}`);
    if (value.url !== BATCH_URL) problems.push(value.url === undefined ? `missing url (expected "${BATCH_URL}")` : `url must be "${BATCH_URL}", not ${quote(value.url)}`);
    const body = value.body;
    let model: string | undefined;
    if (!isRecord(body)) problems.push(body === undefined ? 'missing body' : 'body must be a JSON object');
    else if (typeof body.model !== 'string' || body.model === '') problems.push('missing body.model (the deployment name)');
    else model = body.model;
    if (isRecord(body) && body.stream === true) problems.push('body.stream must not be true (batch results are whole responses)');
    if (this.duplicates && typeof id === 'string' && id !== '') {
      const first = this.firstLineOf.get(id);
      if (first !== undefined) problems.push(`duplicate custom_id ${quote(id)} (first on line ${first})`);
      else this.firstLineOf.set(id, line);
    }
    if (model !== undefined) {
      if (this.model === undefined) {
        this.model = model;
        this.modelLine = line;
      } else if (this.sameModel && model !== this.model) {
        problems.push(`body.model ${quote(model)} differs from ${quote(this.model)} on line ${this.modelLine} (Global Batch runs one deployment per file)`);
      }
    }
    for (const message of problems) this.report(line, message);
    if (problems.length) return undefined;
    this.requestCount++;
    return value as unknown as BatchRequestLine;
  }

  /** Print the problems found (one line each, capped) and fail with exit 2; nothing was sent. */
  throwIfProblems(io: IO, inputName: string): void {
    if (this.problemCount === 0) return;
    for (const problem of this.problems) io.err(`aoai: ${neutralise(inputName)}:${problem.line}: ${neutralise(problem.message)}\n`);
    const more = this.problemCount - this.problems.length;
    throw new UsageError(
      `${this.problemCount} problem${this.problemCount === 1 ? '' : 's'} in ${inputName}${more > 0 ? ` (${more} more not shown)` : ''}; nothing was sent`,
      'each line is {"custom_id": "…", "method": "POST", "url": "/v1/responses", "body": {"model": "…", …}} (docs/batch.md); to make them from prompts, see: aoai batch prepare --help',
    );
  }
}

function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}…` : text);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
