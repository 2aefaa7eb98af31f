// Run a streamed response to its end: render each event, and when a background stream drops or
// stalls, resume it with GET …/responses/{id}?stream=true&starting_after=<last sequence number>.
// The renderer skips events it has already handled, so stdout is exactly what an undisturbed
// run prints.
import type { Stream as SdkStream } from 'openai/streaming';
import { plainFollowUp, type FollowUp } from '../cli/follow-up.ts';
import { serviceId } from '../core/ids.ts';
import type { Client } from '../core/client.ts';
import { ApiError, InterruptedError, NotCompletedError, oneLine, type CliError } from '../core/errors.ts';
import type { IO } from '../io/io.ts';
import { interrupts } from '../io/interrupts.ts';
import type { CreateBody } from '../request/create-params.ts';
import { notCompletedError } from '../render/response.ts';
import type { AnyStreamEvent, StreamRenderer } from '../render/stream.ts';

export type StreamStart = { kind: 'create'; body: CreateBody } | { kind: 'resume'; id: string; after: number | undefined };

export interface StreamRunOptions {
  client: Client;
  io: IO;
  renderer: StreamRenderer;
  start: StreamStart;
  /** On Ctrl-C, cancel the background job instead of leaving it running. */
  cancelOnInterrupt: boolean;
  /** No event for this long counts as a dropped connection. */
  idleTimeoutMs: number;
  /** Consecutive resumes without progress before giving up. */
  maxResumes: number;
  /** Print the status/usage line at the end. */
  usageLine: boolean;
  debug: (line: string) => void;
  /** Builds the commands printed in hints (same profile and connection flags); plain `aoai …` if absent. */
  followUp?: FollowUp | undefined;
}

class StalledError extends Error {}

const RESUME_BACKOFF_MS = [250, 500, 1000, 2000, 4000];

export async function runStream(options: StreamRunOptions): Promise<void> {
  // The SDK loads only when a stream actually runs: command declarations import this module, and
  // `aoai --help` must not pay for the SDK.
  const [{ Stream }, { APIError }] = await Promise.all([import('openai/streaming'), import('openai')]);
  const { client, io, renderer, start } = options;
  const state = renderer.state;
  let controller = new AbortController();
  let interrupted = false;
  let announced = start.kind === 'resume';
  let failuresWithoutProgress = 0;
  if (start.kind === 'resume' && start.after !== undefined) state.lastSequence = start.after;
  const knownId = start.kind === 'resume' ? start.id : undefined;
  const aoai = options.followUp ?? plainFollowUp;
  // The service's id goes into resume URLs and printed commands: it must look like one.
  const responseId = () => serviceId('response', state.responseId ?? knownId, 'response id');

  const release = interrupts.push(() => {
    interrupted = true;
    controller.abort();
  });
  try {
    for (let attempt = 0; ; attempt++) {
      controller = new AbortController();
      const before = state.lastSequence;
      let failure: unknown;
      try {
        const http = await openStream(options, attempt === 0 ? start : { kind: 'resume', id: responseId(), after: state.lastSequence >= 0 ? state.lastSequence : undefined }, controller.signal);
        const stream: SdkStream<AnyStreamEvent> = Stream.fromSSEResponse<AnyStreamEvent>(http, controller, client, false, 'events');
        const idle = setTimeout(() => controller.abort(new StalledError()), options.idleTimeoutMs);
        const order = new SequenceCheck(state.lastSequence);
        try {
          for await (const event of stream) {
            idle.refresh();
            order.check(event, state);
            renderer.handle(event);
            // Decoration: only for a person at a terminal (a script gets the id from --json).
            if (!announced && state.responseId && state.background && io.stderrIsTTY) {
              announced = true;
              const id = responseId();
              io.err(`${id} is running in the background; if the connection drops, aoai resumes it (by hand: ${aoai(['get', id, '--stream'])})\n`);
            }
            if (renderer.terminal) break;
          }
        } finally {
          clearTimeout(idle);
        }
        if (controller.signal.reason instanceof StalledError) failure = new StalledError(`no event for ${Math.round(options.idleTimeoutMs / 1000)} s`);
      } catch (error) {
        failure = error;
      }
      if (interrupted) return await onInterrupt(options);
      if (renderer.terminal) break;
      if (failure instanceof APIError && failure.status !== undefined) throw failure;
      // Nothing arrived at all (refused, unreachable, timed out before the first byte): the
      // SDK's error names the cause better than "the stream ended early".
      if (attempt === 0 && start.kind === 'create' && state.eventCount === 0 && failure instanceof APIError) throw failure;
      if (failure instanceof ApiError) {
        // A cap, the deadline or an out-of-order event: the text so far stays, ended cleanly.
        renderer.finish();
        throw failure;
      }
      if (failure instanceof SyntaxError) {
        renderer.finish();
        throw new ApiError(`malformed event stream after ${state.eventCount} events: received an event whose data is not JSON`, {
          hint: 'something between aoai and the service may be rewriting the stream; --debug shows the response headers',
        });
      }
      if (state.errorEvent) break;

      // The connection dropped, stalled, or ended before a terminal event.
      const reason = describeDrop(failure);
      if (!(state.responseId ?? knownId) || !state.background) {
        renderer.finish();
        throw new ApiError(
          `the stream ended early after ${state.eventCount} events (${reason}); a response that is not a background job cannot be resumed`,
          { hint: 'for long outputs use --background: aoai resumes a background stream by itself' },
        );
      }
      const id = responseId();
      failuresWithoutProgress = state.lastSequence > before ? 0 : failuresWithoutProgress + 1;
      if (failuresWithoutProgress > options.maxResumes) {
        renderer.finish();
        throw new ApiError(`the stream of ${id} dropped ${failuresWithoutProgress} times in a row (${reason}); giving up`, {
          hint: `resume by hand: ${aoai(['get', id, '--stream', '--after', String(state.lastSequence)])}`,
        });
      }
      if (failuresWithoutProgress > 0 && (await endedWithoutStream(options, id))) break;
      const delay = RESUME_BACKOFF_MS[Math.min(failuresWithoutProgress, RESUME_BACKOFF_MS.length - 1)]!;
      options.debug(`stream of ${id} dropped after event ${state.lastSequence} (${reason}); resuming in ${delay} ms`);
      if (io.stderrIsTTY) renderer.writeErr(`connection lost after event ${state.lastSequence} (${reason}); resuming…\n`);
      await sleep(delay, () => interrupted);
      if (interrupted) return await onInterrupt(options);
    }
  } finally {
    release();
  }
  finish(options);
}

/**
 * Sequence numbers within one connection count up by one. The first event of a connection may
 * repeat events already handled (a resumed stream replays; the renderer skips them) but must not
 * leave a hole; later ones must follow on exactly. A jump means lost events, a step back a
 * confused server: either way the output would be wrong, so it is an error that says exactly what
 * arrived.
 */
class SequenceCheck {
  private previous: number | undefined;
  constructor(private readonly handledBefore: number) {}

  check(event: AnyStreamEvent, state: { responseId: string | undefined; background: boolean; lastSequence: number }): void {
    const sequence = event.sequence_number;
    if (typeof sequence !== 'number') return;
    const expected = (this.previous ?? this.handledBefore) + 1;
    const fine = this.previous === undefined ? sequence <= expected : sequence === expected;
    if (!fine) {
      const what = sequence > expected ? 'skipped ahead' : 'went backwards';
      const resumable = state.background && state.responseId;
      throw new ApiError(`the event stream ${what}: expected sequence_number ${expected}, got ${sequence} (${String(event.type)}); the output above is incomplete`, {
        hint: resumable
          ? `fetch the rest again: aoai get ${state.responseId} --stream --after ${state.lastSequence}`
          : 'something between aoai and the service may be dropping or reordering events; --debug shows the response headers',
      });
    }
    this.previous = sequence;
  }
}

/** POST a new streamed response, or GET a stored one's stream after a sequence number. */
async function openStream(options: StreamRunOptions, start: StreamStart, signal: AbortSignal): Promise<Response> {
  const { client } = options;
  const http =
    start.kind === 'create'
      ? await client.responses.create({ ...start.body, stream: true }, { signal }).asResponse()
      : await client.responses
          .retrieve(start.id, { stream: true, ...(start.after !== undefined ? { starting_after: start.after } : {}) }, { signal })
          .asResponse();
  const type = http.headers.get('content-type') ?? '';
  if (!type.includes('text/event-stream')) {
    const body = (await http.text()).slice(0, 120);
    throw new ApiError(`expected an event stream but received ${type || 'no content type'}${body ? `: ${oneLine(body)}` : ''}`, { status: http.status });
  }
  return http;
}

/**
 * After a resume that made no progress: has the job already ended without a terminal event we
 * can replay (cancelled)? Then stop instead of resuming forever.
 */
async function endedWithoutStream(options: StreamRunOptions, id: string): Promise<boolean> {
  try {
    const response = await options.client.responses.retrieve(id);
    if (response.status === 'cancelled') {
      options.renderer.state.final = response;
      options.renderer.state.status = response.status;
      return true;
    }
  } catch {
    // Could not check; the next resume attempt will tell.
  }
  return false;
}

function finish(options: StreamRunOptions): void {
  const { renderer, io } = options;
  renderer.finish();
  const state = renderer.state;
  if (options.usageLine && state.final) renderer.writeErr(renderer.summaryLine());
  const final = state.final;
  let error: CliError | undefined = final ? notCompletedError(final) : undefined;
  if (!error && state.errorEvent && final?.status !== 'completed') {
    const { code, message } = state.errorEvent;
    error = new ApiError(`stream error${state.responseId ? ` in ${state.responseId}` : ''}: ${code ? `${code}: ` : ''}${message}`);
  }
  if (error instanceof NotCompletedError && state.errorEvent && final?.status === 'failed' && !final.error) {
    error = new NotCompletedError(`response ${final.id} failed: ${state.errorEvent.code ?? 'error'}: ${state.errorEvent.message}`);
  }
  void io;
  if (error) throw error;
}

async function onInterrupt(options: StreamRunOptions): Promise<never> {
  const { renderer, io, client } = options;
  renderer.finish();
  const aoai = options.followUp ?? plainFollowUp;
  if (renderer.state.responseId && renderer.state.background && !renderer.terminal) {
    const id = serviceId('response', renderer.state.responseId, 'response id');
    if (options.cancelOnInterrupt) {
      try {
        await client.responses.cancel(id);
        throw new InterruptedError(`interrupted; cancelled ${id}`);
      } catch (error) {
        if (error instanceof InterruptedError) throw error;
        throw new InterruptedError(`interrupted; could not cancel ${id}`, `cancel it: ${aoai(['cancel', id])}`);
      }
    }
    throw new InterruptedError(`interrupted; ${id} is still running`, `resume: ${aoai(['get', id, '--stream', '--after', String(renderer.state.lastSequence)])}   (or stop it: ${aoai(['cancel', id])})`);
  }
  await io.flush();
  throw new InterruptedError();
}

function describeDrop(failure: unknown): string {
  if (failure === undefined) return 'the server closed the stream';
  if (failure instanceof StalledError) return failure.message;
  const error = failure as Error & { cause?: { code?: string; message?: string } };
  const code = error.cause?.code;
  if (code) return code === 'UND_ERR_SOCKET' ? 'connection reset' : code;
  return oneLine(error.message || String(failure)).toLowerCase();
}

function sleep(ms: number, cancelled: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const started = Date.now();
    const tick = () => {
      if (cancelled() || Date.now() - started >= ms) resolve();
      else setTimeout(tick, Math.min(50, ms));
    };
    tick();
  });
}
