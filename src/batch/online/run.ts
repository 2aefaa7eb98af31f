// aoai batch run: every request of a batch input, sent online as fast as the deployment's quota
// allows (limiter.ts), each result written as it finishes in Global Batch's output-line shape,
// resumable from the results file. Loaded only when `batch run` runs.
import { randomBytes } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { Client } from '../../core/client.ts';
import { requestedWaitMs } from '../../core/client.ts';
import { describeCause } from '../../core/api-errors.ts';
import { FileWriteError } from '../../core/atomic-write.ts';
import { CliError, ExitCode, InterruptedError, UsageError } from '../../core/errors.ts';
import type { Factory } from '../../core/factory.ts';
import { inlinedPieces, releaseSpooled } from '../../core/spool.ts';
import { interrupts } from '../../io/interrupts.ts';
import { startSpinner, writeAboveSpinners } from '../../io/spinner.ts';
import { shellCommand } from '../../render/shell-quote.ts';
import { estimateRequestTokens } from '../../request/token-estimate.ts';
import { prepareRequest } from '../../responses/session.ts';
import { openBatchInput } from '../input.ts';
import { checkInput, requestConverter, requestLines, type BatchRequestOptions } from '../prepare.ts';
import { BatchValidator, type BatchRequestLine, type NumberedRequest } from '../validate.ts';
import { RateLimiter } from './limiter.ts';
import { describeSummary, progressText, type BatchRunSummary, type Progress } from './report.ts';
import { AppendFile, readExistingResults } from './results-file.ts';
import { addUsage, usageOf, type LogUsage } from '../../log/record.ts';
import { appendLogRecord, commandRecord } from '../../log/write.ts';

export interface BatchRunOptions extends BatchRequestOptions {
  file: string;
  /** The results file (appended to, resumable); undefined: stdout. */
  output: string | undefined;
  /** Failed lines go here instead of the results file (and run again next time). */
  errors: string | undefined;
  order: 'finish' | 'input';
  /** Requests in flight at most; undefined: the default, which follows the rpm quota (defaultConcurrency). */
  concurrency: number | undefined;
  rpm: number | undefined;
  tpm: number | undefined;
  /** Retries per request (429s, 5xx, timeouts, dropped connections) before it becomes an error line. */
  retries: number;
  json: boolean;
  /** The command as typed, for the resume hint. */
  commandWords: string[];
}

/** How far ahead of the oldest unwritten result --order input may run (bounded buffering). */
const ORDER_WINDOW_MIN = 1000;
/** Results written to stdout before waiting for the reader. */
const STDOUT_FLUSH_LINES = 256;
const PROGRESS_EVERY_MS = 250;
/** Deployments named in the run's log record (a file normally names one). */
const MAX_DEPLOYMENTS_NOTED = 4;

/**
 * A run's live data is small (about 20 MB) but it makes garbage for as long as it runs, and V8 lets
 * the heap grow to up to four times the live data between full collections, more the longer a run
 * lasts: peak memory would creep up with the number of lines. Growing by half at most keeps it flat
 * (10,000 and 100,000 lines peak within about 14 MB of each other on Node 20) at no CPU cost we could measure
 * (docs/performance.md, Batch).
 */
const HEAP_GROWING_PERCENT = 50;

/** Requests in flight without a quota to go by. */
export const DEFAULT_CONCURRENCY = 50;
/** The most requests in flight by default, however large the quota. */
const MAX_DEFAULT_CONCURRENCY = 1000;
/** With an rpm quota, the default allows this many seconds of it in flight. */
const IN_FLIGHT_SECONDS = 10;

/**
 * In flight at most, unless --concurrency says: with an rpm quota, enough that requests taking up
 * to IN_FLIGHT_SECONDS each still fill it (the quota, not the cap, sets the pace); else 50.
 */
export function defaultConcurrency(rpm: number | undefined): number {
  if (!rpm) return DEFAULT_CONCURRENCY;
  return Math.min(MAX_DEFAULT_CONCURRENCY, Math.max(DEFAULT_CONCURRENCY, Math.ceil((rpm / 60) * IN_FLIGHT_SECONDS)));
}

/**
 * A dropped connection with no answer. Most often a kept-alive connection the server closed just
 * as the request went out on it ("other side closed"), which busy servers (and a busy client that
 * reuses a connection a moment too late) do routinely: the first retry goes at once, on a fresh
 * connection; later ones back off.
 */
function droppedBeforeAnswer(error: unknown): boolean {
  return error instanceof APIConnectionError && !(error instanceof APIConnectionTimeoutError);
}

/** Backoff for a 5xx, a timeout or a dropped connection of one request: 1 s, 2 s, 4 s … 30 s, with jitter. */
function retryBackoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** (attempt - 1), 30_000) * (0.75 + Math.random() * 0.5);
}

export async function runBatchOnline(options: BatchRunOptions, f: Factory): Promise<void> {
  checkPaths(options);
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const input = await openBatchInput(f.io, options.file);
  try {
    const convert = await requestConverter(f, input, options);
    const checked = await checkInput(f.io, input, convert);
    const existing = options.output !== undefined && isRegularOrMissing(options.output) ? await readExistingResults(options.output) : { ids: new Set<string>(), tornBytes: 0 };
    const files: AppendFile[] = [];
    let closed = false;
    const closeFiles = (): unknown => {
      closed = true;
      let first: unknown;
      for (const file of files) {
        try {
          file.close();
        } catch (error) {
          first ??= error;
        }
      }
      return first;
    };
    try {
      const output = options.output === undefined ? undefined : new AppendFile(options.output);
      if (output) files.push(output);
      // The errors file holds this run's failures only: they are not in -o, so the next run retries them.
      const errors = options.errors === undefined ? undefined : new AppendFile(options.errors, { truncate: true });
      if (errors) files.push(errors);
      const settings = await f.settings();
      const client = await prepareRequest(f, undefined, { bulk: true });
      const limits = { rpm: options.rpm ?? settings.batchLimits.rpm, tpm: options.tpm ?? settings.batchLimits.tpm };
      const concurrency = options.concurrency ?? defaultConcurrency(limits.rpm);
      const run = new OnlineRun(f, client, { ...options, concurrency }, new RateLimiter(limits, concurrency), { output, errors });
      const summary = await run.start(requestLines(input, convert, new BatchValidator({ duplicates: false })), checked.requestCount, existing.ids);
      // Every result is on disk before the summary says so.
      const closeError = closeFiles();
      try {
        finishRun(f, options, summary, run.fatalError ?? closeError);
        logRun(f, options, summary, run, undefined);
      } catch (error) {
        logRun(f, options, summary, run, error);
        throw error;
      }
    } finally {
      if (!closed) closeFiles();
    }
  } finally {
    input.dispose();
  }
}

function checkPaths(options: BatchRunOptions): void {
  if (options.json && options.output === undefined) throw new UsageError('--json prints a summary on stdout, where the results go without -o', 'write the results to a file: add -o FILE');
  const same = (a: string, b: string) => {
    try {
      return realpathSync(a) === realpathSync(b);
    } catch {
      return a === b;
    }
  };
  if (options.output !== undefined && options.file !== '-' && same(options.output, options.file)) throw new UsageError('-o names the input file; results need a file of their own');
  if (options.errors !== undefined && options.output !== undefined && same(options.errors, options.output)) throw new UsageError('--errors names the -o file; give failed lines a file of their own, or drop --errors to keep them in -o');
}

function isRegularOrMissing(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return true;
  }
}

interface Job {
  seq: number;
  line: number;
  request: BatchRequestLine;
  tokens: number;
  attempts: number;
  notBefore: number;
}

interface Sinks {
  output: AppendFile | undefined;
  errors: AppendFile | undefined;
}

interface RunSettings extends BatchRunOptions {
  concurrency: number;
}

class OnlineRun {
  private readonly inFlight = new Map<number, AbortController>();
  private readonly retryQueue: Job[] = [];
  private stopping: 'no' | 'interrupt' | 'failed' = 'no';
  private abandoning = false;
  private fatal: unknown;
  private wakeUp: (() => void) | undefined;
  // --order input: finished results waiting for an earlier one.
  private readonly reorder = new Map<number, { line: string; failed: boolean }>();
  private nextToWrite = 0;
  private unflushedStdout = 0;
  readonly progress: Progress;
  /** Tokens of every answered request, and the deployments asked, for the run's record in the local log. */
  usage: LogUsage | null = null;
  readonly deployments = new Set<string>();

  constructor(
    private readonly f: Factory,
    private readonly client: Client,
    private readonly options: RunSettings,
    private readonly limiter: RateLimiter,
    private readonly sinks: Sinks,
  ) {
    this.progress = { total: 0, skipped: 0, succeeded: 0, failed: 0, abandoned: 0, retries: 0, rateLimited: 0, tokens: 0, inFlight: 0, startedAt: Date.now(), pausedUntil: 0 };
  }

  async start(source: AsyncGenerator<NumberedRequest>, requestCount: number, done: ReadonlySet<string>): Promise<BatchRunSummary> {
    this.progress.total = requestCount;
    const release = interrupts.push(() => this.interrupt());
    const spinner = await startSpinner(this.f.io, 'batch: starting');
    const ticker = setInterval(() => spinner.update(progressText(this.progress, Date.now())), PROGRESS_EVERY_MS).unref();
    try {
      await this.pump(source, done);
    } finally {
      clearInterval(ticker);
      spinner.stop();
      release();
    }
    return this.summary();
  }

  private async pump(source: AsyncGenerator<NumberedRequest>, done: ReadonlySet<string>): Promise<void> {
    let seq = 0;
    let sourceDone = false;
    let candidate: Job | undefined;
    const orderWindow = Math.max(ORDER_WINDOW_MIN, this.options.concurrency * 4);
    while (this.stopping === 'no') {
      if (!candidate) candidate = this.takeDueRetry();
      // Requests waiting to be retried hold their place: when the service fails broadly (down,
      // refusing connections), the run waits with them instead of reading on through the input,
      // so memory stays bounded however many lines fail.
      const room = this.retryQueue.length + this.inFlight.size < this.options.concurrency;
      if (!candidate && !sourceDone && room && (this.options.order === 'finish' || seq < this.nextToWrite + orderWindow)) {
        const next = await this.nextFresh(source, done);
        if (next) {
          candidate = { seq: seq++, line: next.line, request: next.request, tokens: estimateRequestTokens(next.request.body), attempts: 0, notBefore: 0 };
          const model = (next.request.body as { model?: unknown }).model;
          if (typeof model === 'string' && this.deployments.size < MAX_DEPLOYMENTS_NOTED) this.deployments.add(model);
        }
        else sourceDone = true;
      }
      if (!candidate) {
        if (sourceDone && this.retryQueue.length === 0 && this.inFlight.size === 0) break;
        // Nothing to send now: wait for a retry to come due, or for a request to finish.
        await this.sleep(this.msUntilNextRetry());
        continue;
      }
      const admission = this.limiter.admit(candidate.tokens, this.inFlight.size);
      if (admission.waitMs > 0) {
        if (admission.reason === 'paused') this.progress.pausedUntil = Date.now() + admission.waitMs;
        await this.sleep(Math.min(admission.waitMs, this.msUntilNextRetry()));
        continue;
      }
      this.launch(candidate);
      candidate = undefined;
      if (this.unflushedStdout >= STDOUT_FLUSH_LINES) {
        this.unflushedStdout = 0;
        await this.f.io.flush();
      }
    }
    // Stopping (Ctrl-C, or the results cannot be written): no new requests; in-flight ones finish
    // (or, after a second Ctrl-C or a write failure, are abandoned and run again next time).
    if (candidate) this.retryQueue.push(candidate);
    await source.return(undefined);
    while (this.inFlight.size > 0) await this.sleep(Infinity);
    this.flushOrdered(true);
  }

  /** The next request of the input whose custom_id is not already in the results file. */
  private async nextFresh(source: AsyncGenerator<NumberedRequest>, done: ReadonlySet<string>): Promise<NumberedRequest | undefined> {
    for (;;) {
      const next = await source.next();
      if (next.done) return undefined;
      if (!done.has(next.value.request.custom_id)) return next.value;
      this.progress.skipped++;
    }
  }

  private takeDueRetry(): Job | undefined {
    const now = Date.now();
    const index = this.retryQueue.findIndex((job) => job.notBefore <= now);
    return index === -1 ? undefined : this.retryQueue.splice(index, 1)[0];
  }

  private msUntilNextRetry(): number {
    if (this.retryQueue.length === 0) return Infinity;
    return Math.max(1, Math.min(...this.retryQueue.map((job) => job.notBefore)) - Date.now());
  }

  /** Wait until a request finishes, Ctrl-C, or `ms` pass (only the pump sleeps, one wait at a time). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      function done() {
        if (timer) clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  private interrupt(): void {
    if (this.stopping === 'no') {
      this.stopping = 'interrupt';
      const running = this.inFlight.size;
      writeAboveSpinners(this.f.io, `batch: stopping${running ? `; ${running} request${running === 1 ? '' : 's'} in flight will finish (Ctrl-C again to abandon ${running === 1 ? 'it' : 'them'})` : ''}\n`);
    } else {
      this.abandon();
    }
    this.wake();
  }

  private abandon(): void {
    this.abandoning = true;
    for (const controller of this.inFlight.values()) controller.abort();
  }

  private launch(job: Job): void {
    const controller = new AbortController();
    this.inFlight.set(job.seq, controller);
    this.progress.inFlight = this.inFlight.size;
    job.attempts++;
    void this.send(job, controller.signal)
      .catch((error: unknown) => this.stopOn(error))
      .finally(() => {
        this.inFlight.delete(job.seq);
        this.progress.inFlight = this.inFlight.size;
        this.wake();
      });
  }

  private async send(job: Job, signal: AbortSignal): Promise<void> {
    let http: Response;
    let text: string;
    let body: unknown;
    try {
      http = await this.client.responses.create(job.request.body as never, { maxRetries: 0, signal }).asResponse();
      text = await http.text();
      body = JSON.parse(text);
    } catch (error) {
      if (this.abandoning && (error instanceof APIUserAbortError || signal.aborted)) {
        this.progress.abandoned++;
        return;
      }
      this.failedAttempt(job, error);
      return;
    }
    this.limiter.observe(remainingQuota(http.headers), this.inFlight.size - 1);
    this.limiter.succeeded();
    const usage = usageOf((body as { usage?: Parameters<typeof usageOf>[0] } | null)?.usage);
    if (usage) {
      this.progress.tokens += usage.total_tokens;
      this.usage = addUsage(this.usage, usage);
    }
    // The service's JSON as it came (checked above), unless it spans lines: a result is one line.
    const bodyJson = text.includes('\n') || text.includes('\r') ? JSON.stringify(body) : text.trim();
    const head = JSON.stringify({ id: batchRequestId(), custom_id: job.request.custom_id });
    const response = `{"status_code":${http.status},"request_id":${JSON.stringify(requestIdOf(http.headers))},"body":${bodyJson}}`;
    this.emit(job, `${head.slice(0, -1)},"response":${response},"error":null}`, false);
    this.progress.succeeded++;
  }

  private failedAttempt(job: Job, error: unknown): void {
    const status = error instanceof APIError ? error.status : undefined;
    const headers = error instanceof APIError ? error.headers : undefined;
    if (headers) this.limiter.observe(remainingQuota(headers), this.inFlight.size - 1);
    const retryable = status === 429 || status === 408 || status === 409 || (status !== undefined && status >= 500) || error instanceof APIConnectionError || error instanceof SyntaxError;
    if (retryable && job.attempts <= this.options.retries && this.stopping !== 'failed') {
      this.progress.retries++;
      if (status === 429) {
        this.progress.rateLimited++;
        const pause = this.limiter.rateLimited(headers ? requestedWaitMs(headers) : undefined, this.inFlight.size - 1);
        this.progress.pausedUntil = Date.now() + pause;
        job.notBefore = 0;
      } else {
        job.notBefore = Date.now() + (droppedBeforeAnswer(error) && job.attempts === 1 ? 0 : retryBackoffMs(job.attempts));
      }
      this.retryQueue.push(job);
      return;
    }
    const { code, message } = describeFailure(error);
    const response = error instanceof APIError && status !== undefined ? { status_code: status, request_id: headers ? requestIdOf(headers) : null, body: { error: error.error ?? { code, message } } } : null;
    this.emit(job, JSON.stringify({ id: batchRequestId(), custom_id: job.request.custom_id, response, error: { code, message } }), true);
    this.progress.failed++;
  }

  /** Write a finished result (in input order with --order input). */
  private emit(job: Job, line: string, failed: boolean): void {
    if (this.options.order === 'finish') {
      this.write(line, failed);
      return;
    }
    this.reorder.set(job.seq, { line, failed });
    this.flushOrdered(false);
  }

  /**
   * --order input: write the results that are next in order. At the end (`final`), results after
   * a gap (a request abandoned or never started) are written too, still in order.
   */
  private flushOrdered(final: boolean): void {
    if (this.options.order !== 'input') return;
    for (;;) {
      let next = this.reorder.get(this.nextToWrite);
      if (!next && final && this.reorder.size > 0) {
        this.nextToWrite = Math.min(...this.reorder.keys());
        next = this.reorder.get(this.nextToWrite);
      }
      if (!next) return;
      this.reorder.delete(this.nextToWrite);
      this.nextToWrite++;
      this.write(next.line, next.failed);
    }
  }

  private write(line: string, failed: boolean): void {
    if (this.fatal !== undefined) return;
    const file = failed && this.sinks.errors ? this.sinks.errors : this.sinks.output;
    if (!file) {
      for (const piece of inlinedPieces(`${line}\n`)) this.f.io.out(piece);
      this.unflushedStdout++;
    } else {
      file.append([line]);
    }
    // Its large images (held on disk, core/spool.ts) are written: their disk space goes back.
    releaseSpooled(line);
  }

  /**
   * The results cannot be written (full disk, read-only…), or something unexpected broke: stop at
   * once, abandoning requests in flight; nothing more is paid for, and the error is reported at the end.
   */
  private stopOn(error: unknown): void {
    this.fatal ??= error;
    this.stopping = 'failed';
    this.abandon();
    this.wake();
  }

  summary(): BatchRunSummary {
    const p = this.progress;
    const seconds = (Date.now() - p.startedAt) / 1000;
    const finished = p.succeeded + p.failed;
    return {
      input: this.options.file === '-' ? 'stdin' : this.options.file,
      output: this.options.output ?? null,
      errors: this.options.errors ?? null,
      total: p.total,
      succeeded: p.succeeded,
      failed: p.failed,
      skipped: p.skipped,
      remaining: p.total - p.skipped - finished,
      retries: p.retries,
      rate_limited: p.rateLimited,
      tokens: p.tokens,
      seconds: Math.round(seconds * 1000) / 1000,
      requests_per_second: seconds > 0 ? Math.round((finished / seconds) * 100) / 100 : 0,
      interrupted: this.stopping === 'interrupt',
    };
  }

  /** What stopped the run, if something did (a FileWriteError when the results could not be written). */
  get fatalError(): unknown {
    return this.fatal;
  }
}

/**
 * One record in the local log for the whole run (not one per line): the deployment, the summed
 * usage, how many requests were made, the files written, and how the run ended.
 */
function logRun(f: Factory, options: BatchRunOptions, summary: BatchRunSummary, run: OnlineRun, error: unknown): void {
  const exit = error === undefined ? ExitCode.Ok : error instanceof CliError ? error.exitCode : ExitCode.ApiError;
  const status = summary.interrupted ? 'interrupted' : error !== undefined && summary.failed === 0 ? 'error' : summary.failed > 0 ? 'incomplete' : 'completed';
  const record = commandRecord(f, {
    deployment: run.deployments.size ? [...run.deployments].join('+') : null,
    status,
    exit,
    usage: run.usage,
    requests: summary.succeeded + summary.failed,
    prompt: `batch of ${summary.total} requests from ${options.file === '-' ? 'standard input' : options.file}`,
  });
  const files = [summary.output, summary.errors].filter((path): path is string => typeof path === 'string');
  if (files.length) record.files = files;
  if (error instanceof Error) record.error = error.message;
  appendLogRecord(f, record);
}

/** Print the summary (always, on stderr; --json on stdout) and turn the outcome into the exit code. */
function finishRun(f: Factory, options: BatchRunOptions, summary: BatchRunSummary, fatal: unknown): void {
  f.io.err(`${describeSummary(summary)}\n`);
  if (options.json) f.io.out(`${JSON.stringify(summary)}\n`);
  const resume = options.output === undefined ? undefined : `${shellCommand(['aoai', ...options.commandWords])}${options.file === '-' ? ' (with the same input on stdin)' : ''}`;
  if (fatal instanceof FileWriteError) {
    throw fatal.withHint(resume ? `every line written is whole; once it can be written, resume with: ${resume}` : 'the results written so far are whole');
  }
  if (fatal !== undefined) throw fatal;
  if (summary.interrupted) {
    throw new InterruptedError(
      `batch stopped: ${summary.remaining} of ${summary.total} requests not done`,
      resume ? `resume with: ${resume}` : 'the results went to stdout; to be able to resume, write them to a file with -o FILE',
    );
  }
  if (summary.failed > 0) {
    const where = options.errors ?? options.output ?? 'the output';
    const retry = options.errors !== undefined && resume ? `run the same command again to retry them: ${resume}` : 'to retry failed lines on the next run, pass --errors FILE (they then stay out of -o)';
    throw new CliError(`${summary.failed} of ${summary.total} requests failed; their error lines are in ${where}`, ExitCode.ApiError, retry);
  }
}

function remainingQuota(headers: Headers): { requests: number | undefined; tokens: number | undefined } {
  const number = (name: string) => {
    const value = headers.get(name);
    if (value === null) return undefined;
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  };
  return { requests: number('x-ratelimit-remaining-requests'), tokens: number('x-ratelimit-remaining-tokens') };
}

function requestIdOf(headers: Headers): string | null {
  return headers.get('apim-request-id') ?? headers.get('x-request-id');
}

/** Random for this run; a counter after it makes each result id unique within the run. */
const RUN_ID_PREFIX = randomBytes(6).toString('hex');
let resultCount = 0;

/** Global Batch names each result line `batch_req_` and 24 hex digits. */
function batchRequestId(): string {
  resultCount++;
  return `batch_req_${RUN_ID_PREFIX}${resultCount.toString(16).padStart(12, '0')}`;
}

function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof APIError && error.status !== undefined) {
    const inner = error.error as { code?: unknown; message?: unknown } | undefined;
    return { code: typeof inner?.code === 'string' ? inner.code : `http_${error.status}`, message: typeof inner?.message === 'string' ? inner.message : error.message };
  }
  if (error instanceof APIConnectionTimeoutError) return { code: 'timeout', message: error.message };
  if (error instanceof APIConnectionError) {
    const cause = describeCause(error.cause);
    return { code: 'connection_error', message: cause ? `connection failed: ${cause}` : error.message };
  }
  if (error instanceof SyntaxError) return { code: 'invalid_response', message: `the service answered with something that is not JSON (${error.message})` };
  return { code: 'error', message: error instanceof Error ? error.message : String(error) };
}
