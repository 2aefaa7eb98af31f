// The Batch API as Azure Global Batch runs it: create (from a file uploaded with purpose=batch),
// retrieve, list (cursor pagination) and cancel. A job moves validating → in_progress → finalizing
// → completed on its own clock (EmulatorSettings.batch), answers every line with the same model as
// POST /responses (startResponse), and writes its output and error files in the batch output-line
// shape `{id, custom_id, response: {status_code, request_id, body}, error}`. A rejected file fails
// the job with line-numbered `errors`; an enqueued-token quota makes a job fail with
// `token_limit_exceeded` while earlier jobs hold the quota.
import { createHash, randomUUID } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { EmulatorSettings, RequestContext, Route } from './context.ts';
import { BATCH_EXPIRY_SECONDS, checkExpiresAfter, liveFile, storeFile } from './files-api.ts';
import { HttpError, invalidRequest, sendJson } from './http.ts';
import { newId, randomHex } from './ids.ts';
import { validateMetadata, type CreateRequest } from './request.ts';
import { startResponse } from './responses-api.ts';
import type { ResponseStore } from './store.ts';
import type { WireUsage } from './types.ts';

/** How a batch job behaves: its clock, the enqueued-token quota, and the timestamp style. */
export interface BatchSettings {
  /** How long a job stays `validating`. */
  validatingMs: number;
  /** Time spent on each line while `in_progress` (0: as fast as possible). */
  lineMs: number;
  /** How long a job stays `finalizing` (and `cancelling`). */
  finalizingMs: number;
  /** Enqueued tokens allowed per deployment across unfinished jobs; 0 = no quota. */
  tokenLimit: number;
  /** 'iso': timestamps as ISO 8601 strings, as some Azure batch answers have them; 'unix': seconds. */
  timestamps: 'unix' | 'iso';
}

export const DEFAULT_BATCH_SETTINGS: BatchSettings = { validatingMs: 500, lineMs: 20, finalizingMs: 500, tokenLimit: 0, timestamps: 'unix' };

/** The service's limits on one input file. */
export const MAX_BATCH_LINES = 100_000;
const COMPLETION_WINDOW = '24h';
const SUPPORTED_ENDPOINTS = ['/v1/responses'];
/** The most validation errors one job reports (the file may have thousands of bad lines). */
const MAX_REPORTED_ERRORS = 100;
/** A job lets other work run after this many lines when lineMs is 0. */
const LINES_PER_SLICE = 64;

type Status = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';
const TERMINAL: ReadonlySet<Status> = new Set(['failed', 'completed', 'expired', 'cancelled']);

interface BatchError {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

/** The batch as kept (timestamps in Unix seconds; shown as the settings say). */
interface BatchRecord {
  id: string;
  object: 'batch';
  endpoint: string;
  model?: string;
  errors: { object: 'list'; data: BatchError[] } | null;
  input_file_id: string;
  completion_window: string;
  status: Status;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  usage: WireUsage;
  metadata: Record<string, string> | null;
}

interface BatchLine {
  customId: string;
  body: CreateRequest;
}

const TIMESTAMP_FIELDS = ['created_at', 'in_progress_at', 'expires_at', 'finalizing_at', 'completed_at', 'failed_at', 'expired_at', 'cancelling_at', 'cancelled_at'] as const;

const jobsByStore = new WeakMap<ResponseStore, Map<string, BatchJob>>();

function jobsOf(store: ResponseStore): Map<string, BatchJob> {
  let jobs = jobsByStore.get(store);
  if (!jobs) jobsByStore.set(store, (jobs = new Map()));
  return jobs;
}

/** Stop every job's clock and forget the batches (server close, /_emulator/reset). */
export function clearBatches(store: ResponseStore): void {
  const jobs = jobsOf(store);
  for (const job of jobs.values()) job.stop();
  jobs.clear();
}

const ID = '([^/]+)';

export const batchRoutes: Route[] = [
  { method: 'POST', pattern: /^\/batches$/, handler: createBatch },
  { method: 'GET', pattern: /^\/batches$/, handler: listBatches },
  { method: 'GET', pattern: new RegExp(`^/batches/${ID}$`), handler: retrieveBatch },
  { method: 'POST', pattern: new RegExp(`^/batches/${ID}/cancel$`), handler: cancelBatch },
];

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function createBatch(ctx: RequestContext): void {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(ctx.rawBody.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalidRequest('We could not parse the JSON body of your request.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidRequest('Invalid type for request body: expected an object.', null, 'invalid_type');
  for (const name of ['input_file_id', 'endpoint', 'completion_window']) {
    if (body[name] === undefined || body[name] === null || body[name] === '') throw invalidRequest(`Missing required parameter: '${name}'.`, name, 'missing_required_parameter');
    if (typeof body[name] !== 'string') throw invalidRequest(`Invalid type for '${name}': expected a string.`, name, 'invalid_type');
  }
  const endpoint = body.endpoint as string;
  if (!SUPPORTED_ENDPOINTS.includes(endpoint)) {
    throw invalidRequest(`Invalid value: '${endpoint}'. Supported values are: ${SUPPORTED_ENDPOINTS.map((e) => `'${e}'`).join(', ')} (the emulator runs Responses API batches only).`, 'endpoint', 'invalid_value');
  }
  const inputFileId = body.input_file_id as string;
  const file = liveFile(ctx.store, inputFileId);
  if (!file) throw invalidRequest(`No such File object: ${inputFileId}`, 'input_file_id', null, 404);
  if (file.purpose !== 'batch') {
    throw invalidRequest(`Invalid 'input_file_id': the file ${inputFileId} has purpose '${file.purpose}'; a batch needs a file uploaded with purpose 'batch'.`, 'input_file_id', 'invalid_value');
  }
  validateMetadata(body.metadata);
  let outputExpiry: number | undefined;
  if (body.output_expires_after !== undefined && body.output_expires_after !== null) {
    const after = body.output_expires_after as { anchor?: unknown; seconds?: unknown };
    outputExpiry = checkExpiresAfter('output_expires_after', after.anchor, after.seconds, BATCH_EXPIRY_SECONDS);
  }
  const created = now();
  const record: BatchRecord = {
    id: newId('batch'),
    object: 'batch',
    endpoint,
    errors: null,
    input_file_id: inputFileId,
    completion_window: body.completion_window as string,
    status: 'validating',
    output_file_id: null,
    error_file_id: null,
    created_at: created,
    in_progress_at: null,
    expires_at: created + 24 * 3600,
    finalizing_at: null,
    completed_at: null,
    failed_at: null,
    expired_at: null,
    cancelling_at: null,
    cancelled_at: null,
    request_counts: { total: 0, completed: 0, failed: 0 },
    usage: { input_tokens: 0, input_tokens_details: { cached_tokens: 0 }, output_tokens: 0, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 0 },
    metadata: (body.metadata as Record<string, string> | undefined) ?? null,
  };
  const job = new BatchJob(record, file.content, outputExpiry, ctx.store, ctx.settings);
  jobsOf(ctx.store).set(record.id, job);
  sendJson(ctx.res, 200, job.view());
}

function jobOr404(ctx: RequestContext): BatchJob {
  const id = ctx.params[0]!;
  const job = jobsOf(ctx.store).get(id);
  if (!job) throw invalidRequest(`No batch found with id '${id}'.`, 'batch_id', null, 404);
  return job;
}

function retrieveBatch(ctx: RequestContext): void {
  sendJson(ctx.res, 200, jobOr404(ctx).view());
}

function cancelBatch(ctx: RequestContext): void {
  const job = jobOr404(ctx);
  const status = job.record.status;
  if (status === 'completed' || status === 'failed' || status === 'expired') {
    throw invalidRequest(`Cannot cancel a batch with status '${status}'.`, null, 'invalid_state', 409);
  }
  job.cancel();
  sendJson(ctx.res, 200, job.view());
}

function listBatches(ctx: RequestContext): void {
  const query = ctx.url.searchParams;
  const rawLimit = query.get('limit');
  let limit = 20;
  if (rawLimit !== null) {
    if (!/^\d+$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > 100) {
      throw invalidRequest(`Invalid 'limit': expected an integer from 1 to 100, but got '${rawLimit}' instead.`, 'limit', 'invalid_value');
    }
    limit = Number(rawLimit);
  }
  // Newest first, as the service lists them.
  let jobs = [...jobsOf(ctx.store).values()].reverse();
  const after = query.get('after');
  if (after !== null) {
    const index = jobs.findIndex((job) => job.record.id === after);
    if (index === -1) throw invalidRequest(`Invalid 'after': no batch with id '${after}'.`, 'after', 'invalid_value');
    jobs = jobs.slice(index + 1);
  }
  const page = jobs.slice(0, limit).map((job) => job.view());
  sendJson(ctx.res, 200, { object: 'list', data: page, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null, has_more: jobs.length > page.length });
}

/** One output or error line, in Global Batch's shape. */
interface OutputLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: unknown } | null;
  error: { code: string; message: string } | null;
}

class BatchJob {
  private stopped = false;
  private cancelRequested = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private readonly outputs: OutputLine[] = [];
  private readonly failures: OutputLine[] = [];
  /** Enqueued tokens this job holds against the quota once it has passed validation. */
  enqueuedTokens = 0;

  constructor(
    readonly record: BatchRecord,
    private readonly input: Buffer,
    private readonly outputExpiry: number | undefined,
    private readonly store: ResponseStore,
    private readonly settings: EmulatorSettings,
  ) {
    void this.work();
  }

  /** The batch as the API shows it. */
  view(): Record<string, unknown> {
    const copy = structuredClone(this.record) as unknown as Record<string, unknown>;
    if (this.settings.batch.timestamps === 'iso') {
      for (const field of TIMESTAMP_FIELDS) {
        const value = this.record[field];
        if (typeof value === 'number') copy[field] = new Date(value * 1000).toISOString();
      }
    }
    return copy;
  }

  /** Holds quota: it passed validation and has not ended. */
  get holdsQuota(): boolean {
    return this.enqueuedTokens > 0 && !TERMINAL.has(this.record.status);
  }

  cancel(): void {
    if (this.record.status === 'cancelling' || this.record.status === 'cancelled') return;
    this.cancelRequested = true;
    this.record.status = 'cancelling';
    this.record.cancelling_at = now();
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
  }

  private async work(): Promise<void> {
    const { batch } = this.settings;
    await this.sleep(batch.validatingMs);
    if (this.stopped) return;
    if (this.cancelRequested) return this.finishCancel();
    const lines = this.validate();
    if (!lines) return;
    this.record.status = 'in_progress';
    this.record.in_progress_at = now();
    this.record.request_counts.total = lines.length;
    for (const [index, line] of lines.entries()) {
      if (batch.lineMs > 0) await this.sleep(batch.lineMs);
      else if (index % LINES_PER_SLICE === LINES_PER_SLICE - 1) await yieldToLoop();
      if (this.stopped) return;
      if (this.cancelRequested) return this.finishCancel();
      this.answer(line);
    }
    this.record.status = 'finalizing';
    this.record.finalizing_at = now();
    await this.sleep(batch.finalizingMs);
    if (this.stopped) return;
    if (this.cancelRequested) return this.finishCancel();
    this.writeFiles();
    this.record.status = 'completed';
    this.record.completed_at = now();
  }

  /** Cancelling lasts a while on the service; completed lines are kept and returned. */
  private async finishCancel(): Promise<void> {
    await this.sleep(this.settings.batch.finalizingMs, true);
    if (this.stopped) return;
    this.writeFiles();
    this.record.status = 'cancelled';
    this.record.cancelled_at = now();
  }

  private fail(errors: BatchError[]): undefined {
    this.record.status = 'failed';
    this.record.failed_at = now();
    this.record.errors = { object: 'list', data: errors.slice(0, MAX_REPORTED_ERRORS) };
    return undefined;
  }

  /** The file's lines, or undefined when the job failed validation (errors name the lines). */
  private validate(): BatchLine[] | undefined {
    if (this.record.completion_window !== COMPLETION_WINDOW) {
      return this.fail([{ code: 'invalid_completion_window', message: `The completion window '${this.record.completion_window}' is not supported; it must be '${COMPLETION_WINDOW}'.`, param: 'completion_window', line: null }]);
    }
    const errors: BatchError[] = [];
    const lines: BatchLine[] = [];
    const seen = new Set<string>();
    let model: string | undefined;
    const texts = this.input.toString('utf8').split('\n');
    if (texts.at(-1) === '') texts.pop();
    if (texts.length === 0) return this.fail([{ code: 'empty_file', message: 'The input file is empty.', param: 'input_file_id', line: null }]);
    if (texts.length > MAX_BATCH_LINES) {
      return this.fail([{ code: 'too_many_tasks', message: `The input file has ${texts.length} requests; the limit is ${MAX_BATCH_LINES}.`, param: 'input_file_id', line: null }]);
    }
    for (const [index, text] of texts.entries()) {
      const line = index + 1;
      const problem = (code: string, message: string, param: string | null = null) => errors.push({ code, message, param, line });
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        problem('invalid_json_line', 'This line is not parseable as valid JSON.');
        continue;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        problem('invalid_json_line', 'This line is not a JSON object.');
        continue;
      }
      const request = parsed as { custom_id?: unknown; method?: unknown; url?: unknown; body?: unknown };
      if (typeof request.custom_id !== 'string' || request.custom_id === '') {
        problem('missing_required_parameter', "Missing required parameter: 'custom_id'.", 'custom_id');
        continue;
      }
      if (seen.has(request.custom_id)) {
        problem('duplicate_custom_id', 'The custom_id for this request is a duplicate of another request. The custom_id parameter must be unique for each request in a batch.', 'custom_id');
        continue;
      }
      seen.add(request.custom_id);
      if (request.method !== 'POST') {
        problem('invalid_method', `The method '${String(request.method)}' is not supported; batch requests use POST.`, 'method');
        continue;
      }
      if (request.url !== this.record.endpoint) {
        problem('invalid_url', `The URL provided for this request does not match the batch endpoint ('${this.record.endpoint}').`, 'url');
        continue;
      }
      const body = request.body as CreateRequest | undefined;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        problem('missing_required_parameter', "Missing required parameter: 'body'.", 'body');
        continue;
      }
      if (typeof body.model !== 'string' || body.model === '') {
        problem('missing_required_parameter', "Missing required parameter: 'body.model'.", 'body.model');
        continue;
      }
      if (model !== undefined && body.model !== model) {
        problem('mismatched_model', `The model '${body.model}' does not match the model of other requests in the batch ('${model}'); a batch runs one deployment.`, 'body.model');
        continue;
      }
      model ??= body.model;
      if (this.settings.deployments.size > 0 && !this.settings.deployments.has(body.model)) {
        problem('model_not_found', `The deployment '${body.model}' does not exist.`, 'body.model');
        continue;
      }
      if (body.stream === true || body.background === true) {
        problem('invalid_value', 'Batch requests cannot be streamed or run in the background.', body.stream === true ? 'body.stream' : 'body.background');
        continue;
      }
      lines.push({ customId: request.custom_id, body });
    }
    if (errors.length > 0) return this.fail(errors);
    this.record.model = model;
    return this.reserveQuota(model!, lines) ? lines : undefined;
  }

  /** Enqueued tokens: each line's input and instructions at four characters a token. */
  private reserveQuota(model: string, lines: BatchLine[]): boolean {
    const tokens = lines.reduce((sum, { body }) => sum + Math.ceil((JSON.stringify(body.input ?? '').length + String(body.instructions ?? '').length) / 4), 0);
    const limit = this.settings.batch.tokenLimit;
    if (limit > 0) {
      const enqueued = [...jobsOf(this.store).values()].filter((job) => job !== this && job.holdsQuota && job.record.model === model).reduce((sum, job) => sum + job.enqueuedTokens, 0);
      if (enqueued + tokens > limit) {
        this.fail([
          {
            code: 'token_limit_exceeded',
            message: `Enqueued token limit reached for ${model}: this job needs ${tokens} tokens and ${enqueued} of ${limit} are already enqueued. Retry once earlier jobs have completed.`,
            param: null,
            line: null,
          },
        ]);
        return false;
      }
    }
    this.enqueuedTokens = Math.max(1, tokens);
    return true;
  }

  /** Answer one line with the emulator's model, as POST /responses would. */
  private answer(line: BatchLine): void {
    const requestId = randomUUID();
    const id = `batch_req_${randomHex(16)}`;
    try {
      const { record, events } = startResponse(this.store, this.settings, {}, { ...line.body }, undefined);
      for (let next = events.next(); !next.done; next = events.next());
      if (line.body.store !== false) this.store.put(record);
      const response = record.response;
      this.outputs.push({ id, custom_id: line.customId, response: { status_code: 200, request_id: requestId, body: response }, error: null });
      this.record.request_counts.completed++;
      if (response.usage) {
        const usage = this.record.usage;
        usage.input_tokens += response.usage.input_tokens;
        usage.output_tokens += response.usage.output_tokens;
        usage.output_tokens_details.reasoning_tokens += response.usage.output_tokens_details.reasoning_tokens;
        usage.total_tokens += response.usage.total_tokens;
      }
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      const body = error.body as { error?: { code?: unknown; message?: unknown } };
      const code = typeof body.error?.code === 'string' ? body.error.code : 'invalid_request';
      const message = typeof body.error?.message === 'string' ? body.error.message : `HTTP ${error.status}`;
      this.failures.push({ id, custom_id: line.customId, response: { status_code: error.status, request_id: requestId, body: error.body }, error: { code, message } });
      this.record.request_counts.failed++;
    }
  }

  /**
   * The output and error files. Results come back in any order on the service, so the emulator
   * does not keep input order either: lines are ordered by a hash of their custom_id.
   */
  private writeFiles(): void {
    const write = (lines: OutputLine[], kind: 'output' | 'error') => {
      if (lines.length === 0) return null;
      const sorted = [...lines].sort((a, b) => scramble(a.custom_id).localeCompare(scramble(b.custom_id)));
      const content = Buffer.from(sorted.map((line) => `${JSON.stringify(line)}\n`).join(''));
      return storeFile(this.store, { purpose: 'batch_output', filename: `${this.record.id}_${kind}.jsonl`, content, expiresAfterSeconds: this.outputExpiry }).id;
    };
    this.record.output_file_id = write(this.outputs, 'output');
    this.record.error_file_id = write(this.failures, 'error');
  }

  /** Wait; a cancel cuts the wait short unless `uninterruptible`. */
  private sleep(ms: number, uninterruptible = false): Promise<void> {
    if (ms <= 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        if (this.timer) clearTimeout(this.timer);
        this.wake = undefined;
        resolve();
      };
      this.wake = uninterruptible ? () => (this.stopped ? done() : undefined) : done;
      this.timer = setTimeout(done, ms);
    });
  }
}

function scramble(customId: string): string {
  return createHash('sha1').update(customId).digest('hex');
}
