// Turns a run into its ordered stream of events. The JSON answer of a non-streamed create is
// simply the `response` of the last event, so streamed and non-streamed answers always agree.
// Generation is lazy: events are produced as the consumer pulls them.
import { isReasoningModel, replyFor, textReply } from './model.ts';
import { imageGenerationOutput, wantsImage } from './output/image-generation.ts';
import { messageOutput } from './output/message.ts';
import { reasoningOutput } from './output/reasoning.ts';
import { structuredReply } from './output/structured.ts';
import { planToolTurn } from './tool-turn.ts';
import type { OutputProducer, Run } from './run.ts';
import type { WireEvent } from './types.ts';

export const MODEL_FAILURE = { code: 'server_error', message: 'The model failed to generate a response.' } as const;

/** Which output items this request produces, in order. Tool features add producers here. */
export function planOutput(run: Run): OutputProducer[] {
  const { request, userText, history } = run.input;
  // Function calls, MCP and the code interpreter (tool-turn.ts); a turn that waits has no message.
  const tools = planToolTurn(run);
  // Hosted MCP tool lists come first: the model reasons after it has seen the tools (as recorded).
  const producers: OutputProducer[] = [...tools.listings];
  // `reasoning.effort: "none"` (gpt-5.1 and later) answers without a reasoning item or reasoning tokens.
  const reasons = isReasoningModel(String(request.model)) && request.reasoning?.effort !== 'none';
  const include = Array.isArray(request.include) ? (request.include as string[]) : [];
  const reasoning = () => reasoningOutput({ summary: request.reasoning?.summary, encrypted: include.includes('reasoning.encrypted_content') });
  if (reasons) producers.push(reasoning());
  for (const producer of tools.producers) {
    producers.push(producer);
    // After a hosted MCP call the model reasons about its result before going on (recorded).
    if (reasons && tools.hostedCalls.has(producer)) producers.push(reasoning());
  }
  if (tools.waiting) return producers;
  if (wantsImage(userText, request)) producers.push(imageGenerationOutput());
  const reply = structuredReply(run) ?? (tools.reply !== undefined ? textReply(tools.reply) : replyFor(userText, history));
  producers.push(messageOutput(reply, tools.annotations as never));
  return producers;
}

export interface GenerateOptions {
  /** Fault `fail`: the response ends `failed` right after it starts. */
  fail?: boolean;
}

export function* generateEvents(run: Run, options: GenerateOptions = {}): Generator<WireEvent> {
  const response = run.response;
  yield run.stamp(run.lifecycle('response.created', true));
  if (response.background) {
    yield run.stamp(run.lifecycle('response.queued', true));
  }
  response.status = 'in_progress';
  yield run.stamp(run.lifecycle('response.in_progress', true));
  if (options.fail) {
    response.status = 'failed';
    response.error = { ...MODEL_FAILURE };
    finishResponse(run);
    yield run.stamp(run.lifecycle('response.failed', false));
    return;
  }
  let incomplete = false;
  for (const producer of planOutput(run)) {
    const outcome = yield* stamped(run, producer(run));
    if (outcome === 'incomplete') {
      incomplete = true;
      break;
    }
  }
  response.status = incomplete ? 'incomplete' : 'completed';
  if (incomplete) response.incomplete_details = { reason: 'max_output_tokens' };
  finishResponse(run);
  yield run.stamp(run.lifecycle(incomplete ? 'response.incomplete' : 'response.completed', false));
}

function* stamped<R>(run: Run, source: Generator<import('./types.ts').PendingEvent, R>): Generator<WireEvent, R> {
  for (;;) {
    const next = source.next();
    if (next.done) return next.value;
    yield run.stamp(next.value);
  }
}

export function finishResponse(run: Run): void {
  const response = run.response;
  response.completed_at = response.status === 'completed' ? Math.floor(Date.now() / 1000) : null;
  // A failed response reports no usage and keeps the requested tier (the openai-error recording).
  if (response.status === 'failed') {
    response.usage = null;
    response.content_filters = null;
    return;
  }
  response.usage = run.usage();
  response.service_tier = 'default';
  response.content_filters = run.contentFilters();
}

/**
 * Fault `error-event-after=K`: after K events the generation breaks off with the nested `error`
 * event the service sends, then `response.failed` (as in the recorded openai-error stream).
 */
export function* failAfter(run: Run, source: Iterator<WireEvent>, count: number): Generator<WireEvent> {
  for (let sent = 0; ; sent++) {
    if (sent === count && !isTerminalStatus(run.response.status)) {
      source.return?.();
      yield run.stamp({ type: 'error', error: { type: 'server_error', code: 'server_error', message: 'The server had an error while processing your request.', param: null } });
      run.response.status = 'failed';
      run.response.error = { code: 'server_error', message: 'The server had an error while processing your request.' };
      finishResponse(run);
      yield run.stamp(run.lifecycle('response.failed', false));
      return;
    }
    const next = source.next();
    if (next.done) return;
    yield next.value;
  }
}

export function isTerminalStatus(status: string | undefined): boolean {
  return status === 'completed' || status === 'failed' || status === 'incomplete' || status === 'cancelled';
}
